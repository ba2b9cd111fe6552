"""One whole period through the real metric task, in a child process: `python -m bench.period YEAR QUARTER`.

A process of its own so its peak resident memory (ru_maxrss) is the run's and nothing else's.
It runs the period twice — the first warms the process up as a long-lived worker would be —
and prints one JSON object with both timings, the peak RSS and the second run's id and status.
"""

import json
import os
import resource
import sys
import time


def _rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        pages = int(statm.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(year: int, quarter: int) -> dict:
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    django.setup()
    from metrics.models import MetricRun
    from metrics.services import metric_run_create
    from metrics.tasks import compute_period_task

    baseline = _rss_mib()
    timings, run = [], None
    for _ in range(2):
        run = metric_run_create(year=year, quarter=quarter, trigger="bench")
        started = time.perf_counter()
        compute_period_task.apply(args=[run.id])
        timings.append(time.perf_counter() - started)
    run = MetricRun.objects.get(pk=run.pk)
    return {
        "run_id": run.pk,
        "status": run.status,
        "error": run.error[-500:],
        "cold_s": round(timings[0], 3),
        "warm_s": round(timings[1], 3),
        "baseline_rss_mib": round(baseline, 1),
        # Linux reports ru_maxrss in KiB.
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "snapshots": run.snapshots.count(),
    }


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]), int(sys.argv[2]))))
