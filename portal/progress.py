"""Progress bars for the long management commands (seed_demo, import_bundle, export_bundle, compute_metrics --all,
create_accounts): a tqdm bar with counts and rate when the command runs in a terminal, nothing at all otherwise
(CI, pipes, cron, tests), so logs stay clean.
"""

import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass


@dataclass
class Progress:
    """What a long command reports to: `advance(n, note)` moves the bar; `write(line)` prints without tearing it."""

    advance: Callable[..., None]
    write: Callable[[str], None]


def interactive(stream) -> bool:
    """A terminal a person watches: `stream` is a tty and the CI variable is not set."""
    return bool(getattr(stream, "isatty", lambda: False)()) and not os.environ.get("CI")


@contextmanager
def progress(stream, *, desc: str, unit: str, total: int | None = None) -> Iterator[Progress]:
    """A Progress that draws on stderr when `stream` is interactive; otherwise lines go to `stream` unchanged."""
    if not interactive(stream):
        yield Progress(advance=lambda n=1, note=None: None, write=stream.write)
        return
    from tqdm import tqdm

    with tqdm(total=total, desc=desc, unit=unit, file=sys.stderr, dynamic_ncols=True, unit_scale=True) as bar:

        def advance(n: int = 1, note: str | None = None) -> None:
            if note:
                bar.set_postfix_str(note, refresh=False)
            bar.update(n)

        yield Progress(advance=advance, write=lambda line: bar.write(line.rstrip("\n"), file=sys.stderr))


def counted(rows, advance: Callable[..., None], every: int = 1000):
    """`rows` unchanged, advancing the bar every `every` rows (calling per row would cost more than the rows)."""
    pending = 0
    for row in rows:
        yield row
        pending += 1
        if pending == every:
            advance(pending)
            pending = 0
    if pending:
        advance(pending)
