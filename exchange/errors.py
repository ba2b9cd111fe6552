"""Errors of a bundle import: every bad cell is reported as (file, row, column, message)."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

# Enough to fix a bundle by; a sheet of 100 000 bad rows would otherwise drown the reader.
MAX_REPORTED_ERRORS = 1000


@dataclass(frozen=True)
class BundleError:
    """One problem: `row` is the line the user sees (header = 1, 0 = the whole file); `column` may be empty."""

    file: str
    row: int
    column: str
    message: str

    def __str__(self):
        return f"{self.file}:{self.row}:{self.column}: {self.message}"


class ErrorLog:
    """Collects errors up to MAX_REPORTED_ERRORS and counts the rest."""

    def __init__(self, limit: int = MAX_REPORTED_ERRORS):
        self.limit = limit
        self.errors: list[BundleError] = []
        self.more = 0

    def add(self, file: str, row: int, column: str, message: str) -> None:
        if len(self.errors) < self.limit:
            self.errors.append(BundleError(file, row, column, str(message)))
        else:
            self.more += 1

    def __bool__(self):
        return bool(self.errors)

    def raise_if_any(self) -> None:
        if self.errors:
            raise BundleInvalid(self.errors, self.more)


class BundleInvalid(Exception):
    """The bundle was refused; nothing was saved. `errors` in file order, `more` not listed."""

    def __init__(self, errors: list[BundleError], more: int = 0):
        self.errors = errors
        self.more = more
        super().__init__("\n".join(self.lines()))

    def lines(self) -> list[str]:
        lines = [str(error) for error in self.errors]
        if self.more:
            lines.append(_("……另有 %(n)s 个错误未列出。") % {"n": self.more})
        return lines
