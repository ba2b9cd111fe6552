"""Who sees and changes reference data (SPEC 1): every signed-in user reads it, the bureau writes it."""

from portal.scoping import ScopedQuerySet


class ReferenceQuerySet(ScopedQuerySet):
    """Industries, clusters, majors: read by every signed-in user, written by the bureau."""
