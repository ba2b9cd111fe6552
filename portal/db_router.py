"""Reads of the REST API from a replica (DATABASE_REPLICA_URL); everything else on the primary.

Only GET/HEAD/OPTIONS requests under /api/ read from the replica, and only while ApiReadsMiddleware
marks the request: pages (which show what a user has just saved), metric runs, workers and commands
never do, so nobody reads their own write from a lagging copy. Sign-in data (sessions, users,
tokens, roles, lockouts) is always read from the primary: a token issued a moment ago must work.
"""

import contextvars

REPLICA = "replica"
_PRIMARY_ONLY_APPS = {"sessions", "auth", "authtoken", "portal", "axes", "contenttypes", "django_celery_beat"}
_reads_from_replica = contextvars.ContextVar("reads_from_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _reads_from_replica.get() and model._meta.app_label not in _PRIMARY_ONLY_APPS:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"


class ApiReadsMiddleware:
    """Marks the API's safe requests as allowed to read from the replica (installed with the replica)."""

    SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        replica = request.method in self.SAFE_METHODS and request.path.startswith("/api/")
        token = _reads_from_replica.set(replica)
        try:
            return self.get_response(request)
        finally:
            _reads_from_replica.reset(token)
