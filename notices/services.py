"""Every write to notices: `notify` (the one way any app sends a notice), reading them, the e-mail switch.

`notify` is meant to be called inside the caller's service, in its transaction: the notices commit or
roll back with the change they tell about, and their e-mail is handed to a Celery task only after the
commit (a rolled-back change mails nobody).
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from .choices import MailStatus, NoticeKind
from .models import Notice, NoticePreference

# A mail task takes this many notices, so one slow batch never holds up the rest.
MAIL_BATCH = 200


@dataclass(frozen=True)
class Sent:
    """What one `notify` call did: notices created now, and recipients skipped because the same reason
    already reached them today."""

    sent: int
    skipped: int


def _recipients(users) -> list[tuple[int, str, bool | None]]:
    """(id, e-mail, e-mail switched on) of the active users among `users`, in one query."""
    User = get_user_model()
    if isinstance(users, QuerySet):
        ids = users.values("pk")
    else:
        ids = {user if isinstance(user, int) else user.pk for user in users}
    rows = User.objects.filter(pk__in=ids, is_active=True).values_list(
        "pk", "email", "notice_preference__email_enabled"
    )
    return sorted(rows)


@transaction.atomic
def notify(users, *, kind: str, title: str, body: str, url: str, reason: str) -> Sent:
    """Send a notice to each active user among `users` (a queryset, users or ids), in the portal and by
    e-mail unless the user switched e-mail off or has no address.

    `reason` is a key naming why ("filing:2026-4"): a user gets at most one notice per reason per day
    (Asia/Shanghai); the others count as skipped. Set-based: one insert for all recipients.
    """
    if kind not in NoticeKind.values:
        raise ValueError(f"unknown notice kind {kind!r}")
    if not reason or not title:
        raise ValueError("a notice needs a title and a reason")
    recipients = _recipients(users)
    today = timezone.localdate()
    # Two concurrent calls with the same reason (a double click, the beat task meeting a click) may
    # both pass the read below; the unique constraint stops the second insert, and the retry then
    # reads the winner's rows, so each notice is created and mailed exactly once.
    for attempt in range(3):
        try:
            with transaction.atomic():
                already = set(
                    Notice.objects.filter(
                        reason=reason, sent_on=today, recipient_id__in=[pk for pk, _e, _on in recipients]
                    ).values_list("recipient_id", flat=True)
                )
                created = Notice.objects.bulk_create(
                    [
                        Notice(
                            recipient_id=pk,
                            kind=kind,
                            title=title[:200],
                            body=body,
                            url=url,
                            reason=reason,
                            sent_on=today,
                            mail_status=MailStatus.QUEUED if email and enabled is not False else MailStatus.SKIPPED,
                        )
                        for pk, email, enabled in recipients
                        if pk not in already
                    ],
                    batch_size=1000,
                )
            break
        except IntegrityError:
            if attempt == 2:
                raise
    queued = [notice.pk for notice in created if notice.mail_status == MailStatus.QUEUED]
    if queued:
        transaction.on_commit(lambda: _enqueue_mail(queued))
    return Sent(sent=len(created), skipped=len(already))


def _enqueue_mail(notice_ids: list[int]) -> None:
    from .tasks import send_notice_mail

    for start in range(0, len(notice_ids), MAIL_BATCH):
        send_notice_mail.delay(notice_ids[start : start + MAIL_BATCH])


@transaction.atomic
def notice_mark_read(*, notice: Notice, by) -> Notice:
    """Mark one of the user's own notices read (reading it again changes nothing)."""
    Notice.objects.restrict(by, "change").filter(pk=notice.pk, read_at__isnull=True).update(read_at=timezone.now())
    notice.refresh_from_db()
    return notice


@transaction.atomic
def notices_mark_all_read(*, by) -> int:
    """Mark every unread notice of the user read; returns how many."""
    return Notice.objects.restrict(by, "change").unread().update(read_at=timezone.now())


@transaction.atomic
def notice_preference_set(*, user, email_enabled: bool) -> NoticePreference:
    """Switch the user's e-mail notices on or off (their notices in the portal keep coming)."""
    preference, _created = NoticePreference.objects.update_or_create(
        user=user, defaults={"email_enabled": bool(email_enabled)}
    )
    return preference
