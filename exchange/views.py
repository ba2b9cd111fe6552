"""Pages of data exchange (SPEC 7): the bureau imports a bundle (upload, dry run, confirm) and keeps its
history; the bureau, colleges and enterprises download the bundle of what they may see."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from portal.pages import paginate, role_required, show_errors
from portal.roles import Action, Role, is_bureau

from . import downloads, services
from .choices import JobMode, JobStatus
from .exporter import bundle_zip_stream
from .forms import UploadForm
from .models import ImportJob

bureau_only = role_required(Role.BUREAU)
ERRORS_PER_PAGE = 50
# Status → the badge colour of the shared stylesheet.
BADGES = {
    JobStatus.QUEUED: "queued",
    JobStatus.RUNNING: "running",
    JobStatus.VALID: "info",
    JobStatus.APPLIED: "succeeded",
    JobStatus.INVALID: "failed",
    JobStatus.FAILED: "failed",
}


@bureau_only
def import_list(request):
    """Upload a bundle (which starts its dry run) and the history of every import, newest first."""
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = services.import_job_create(upload=form.cleaned_data["file"], by=request.user)
        except ValidationError as error:
            show_errors(form, error)
        else:
            return redirect("exchange:import_detail", pk=job.pk)
    jobs = (
        ImportJob.objects.restrict(request.user).defer("data", "errors").select_related("uploaded_by", "confirmed_by")
    )
    page_obj = paginate(request, jobs)
    for job in page_obj:
        job.badge = BADGES[job.status]
    return render(request, "exchange/import_list.html", {"form": form, "page_obj": page_obj})


@bureau_only
def import_detail(request, pk):
    """A job: its progress while it runs; then its errors (file, row, column, message) or its counts."""
    job = get_object_or_404(
        ImportJob.objects.restrict(request.user).defer("data").select_related("uploaded_by", "confirmed_by"), pk=pk
    )
    job.badge = BADGES[job.status]
    errors = Paginator(job.errors, ERRORS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "job": job,
        "progress": _progress(job),
        "errors_page": errors,
        "unlisted_errors": job.error_count - len(job.errors),
        "totals": _totals(job.counts),
        "can_confirm": job.mode == JobMode.DRY_RUN and job.status == JobStatus.VALID,
    }
    return render(request, "exchange/import_detail.html", context)


@require_GET
@bureau_only
def import_progress(request, pk):
    """The job's progress as JSON, polled every 2 s by exchange/import_progress.js."""
    job = get_object_or_404(ImportJob.objects.restrict(request.user).defer("data", "errors"), pk=pk)
    return JsonResponse(_progress(job))


@require_POST
@bureau_only
def import_confirm(request, pk):
    """Apply the stored upload of a dry run that passed."""
    job = get_object_or_404(ImportJob.objects.restrict(request.user, Action.CHANGE).defer("data"), pk=pk)
    try:
        services.import_job_confirm(job=job, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("exchange:import_detail", pk=job.pk)


@require_GET
@bureau_only
def import_errors(request, pk):
    """The job's error report as CSV: file, row, column, message."""
    job = get_object_or_404(ImportJob.objects.restrict(request.user).defer("data"), pk=pk)
    response = HttpResponse(downloads.error_report_csv(job.errors), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
    return response


@role_required(Role.BUREAU, Role.COLLEGE, Role.ENTERPRISE)
def export(request):
    """The bundle of every row the user may view: a .zip of CSVs (?format=zip) or a workbook (?format=xlsx)."""
    fmt = request.GET.get("format")
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    if fmt == "zip":
        response = StreamingHttpResponse(bundle_zip_stream(request.user), content_type="application/zip")
        response["Content-Disposition"] = f'attachment; filename="bundle-{stamp}.zip"'
        return response
    if fmt == "xlsx":
        return FileResponse(downloads.bundle_xlsx(request.user), as_attachment=True, filename=f"bundle-{stamp}.xlsx")
    return render(request, "exchange/export.html", {"is_bureau": is_bureau(request.user)})


def _progress(job: ImportJob) -> dict:
    total = job.progress_total or 0
    return {
        "id": job.pk,
        "status": job.status,
        "status_label": str(job.get_status_display()),
        "badge": BADGES[job.status],
        "done": job.progress_done,
        "total": total,
        "percent": round(100 * job.progress_done / total) if total else (100 if job.finished else 0),
        "finished": job.finished,
    }


def _totals(counts: dict) -> dict:
    return {key: sum(n[key] for n in counts.values()) for key in ("created", "updated", "unchanged", "deleted")}
