"""Settings for 产教融合管理平台, read from the environment.

Nothing set: SQLite in var/, Celery tasks run in-process (the demo and a laptop).
DATABASE_URL=postgres://… switches to PostgreSQL, CELERY_BROKER_URL=redis://… to a
Redis broker with real workers. DJANGO_ENV=production (or DEBUG off) demands a
secret key and allowed hosts and turns on the secure cookie and header settings.
Every variable is listed in README "Configuration" and deploy/portal.env.example.
"""

import os
import sys
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_admins(name: str) -> list[tuple[str, str]]:
    """ADMINS from "Ops Team <ops@example.cn>, dba@example.cn" (name optional)."""
    admins = []
    for item in env_list(name):
        display, address = parseaddr(item)
        if "@" not in address:
            raise ImproperlyConfigured(f"{name}: {item!r} is not an e-mail address")
        admins.append((display or address, address))
    return admins


def env_proxy_header(name: str, default: str) -> tuple[str, str] | None:
    """SECURE_PROXY_SSL_HEADER from "X-Forwarded-Proto: https"; empty turns it off."""
    value = os.environ.get(name, default).strip()
    if not value:
        return None
    header, _sep, expected = value.partition(":")
    if not header.strip() or not expected.strip():
        raise ImproperlyConfigured(f"{name} must look like 'X-Forwarded-Proto: https'")
    return "HTTP_" + header.strip().upper().replace("-", "_"), expected.strip()


def database_from_url(url: str) -> dict:
    """Turn postgres://user:pass@host:port/name?opt=v or sqlite:///path into DATABASES['default']."""
    parsed = urlparse(url)
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        # An unreachable server fails a request (and /readyz) in seconds instead of hanging for minutes.
        options.setdefault("connect_timeout", str(env_int("DB_CONNECT_TIMEOUT", 5)))
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "OPTIONS": options,
            "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
            "CONN_HEALTH_CHECKS": True,
        }
    if parsed.scheme == "sqlite":
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": unquote(parsed.path) or ":memory:"}
    raise ImproperlyConfigured(f"DATABASE_URL scheme {parsed.scheme!r} is not supported")


DJANGO_ENV = env_str("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"
DEBUG = env_bool("DEBUG", not PRODUCTION)

_DEV_SECRET = "dev-only-secret-key-do-not-use-in-production-3f9a1c"
SECRET_KEY = env_str("SECRET_KEY", "" if (PRODUCTION or not DEBUG) else _DEV_SECRET)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if (PRODUCTION or not DEBUG) else "127.0.0.1,localhost,testserver")
if PRODUCTION or not DEBUG:
    # Healthchecks-style: refuse to start half-configured rather than run insecurely.
    if not SECRET_KEY or SECRET_KEY == _DEV_SECRET or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production needs SECRET_KEY (50+ random characters) in the environment.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated) in the environment.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "simple_history",
    "axes",
    "portal",
    "notices",
    "reference",
    "enterprises",
    "colleges",
    "programs",
    "demand",
    "policies",
    "plan",
    "metrics",
    "exchange",
    "accounts",
    "ops",
    "followup",
    "home",
    "bench",
]

MIDDLEWARE = [
    # First: every later log line of the request carries its id; probes are answered before the
    # host check and the HTTPS redirect (a load balancer probes http://127.0.0.1:8000/healthz).
    "portal.request_id.RequestIdMiddleware",
    "ops.health.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "portal.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "portal.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.middleware.PasswordChangeRequiredMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.role",
                "notices.context_processors.unread",
            ],
        },
    },
]

DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'portal.sqlite3'}")
DATABASES = {"default": database_from_url(DATABASE_URL)}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # IMMEDIATE: a transaction takes the write lock when it begins, so concurrent writers queue
    # (up to `timeout` seconds) and the later one reads what the earlier committed, answering like
    # PostgreSQL's row locks (a 400 "already done"); with the default DEFERRED both read first and
    # the one that writes second fails at once with "database is locked" (a 500). WAL lets readers
    # go on while a writer holds the lock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A streaming replica of the primary: the REST API's GET requests read from it (SPEC 9), everything
# else — writes, pages, metric runs, workers, commands — stays on the primary (portal/db_router.py).
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_ROUTERS = []
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = {**database_from_url(DATABASE_REPLICA_URL), "TEST": {"MIRROR": "default"}}
    DATABASE_ROUTERS = ["portal.db_router.ReplicaRouter"]
    MIDDLEWARE.insert(MIDDLEWARE.index("ops.health.HealthCheckMiddleware") + 1, "portal.db_router.ApiReadsMiddleware")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_RESET_TIMEOUT = env_int("PASSWORD_RESET_TIMEOUT", 24 * 3600)

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# The client address: REMOTE_ADDR, or with TRUSTED_PROXY_COUNT proxies (nginx, a load balancer)
# in front, the address the outermost one saw (portal.client_ip). Used by the login lockout and by
# the API's throttling (NUM_PROXIES); set it to exactly the number of proxies that append to
# X-Forwarded-For, or clients can choose their own address.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Login brute force: lock a username+address pair after 5 failures for 15 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
# Behind nginx every request comes from 127.0.0.1: with TRUSTED_PROXY_COUNT=1 the client is the
# address nginx appended to X-Forwarded-For (never a value the client sent itself).
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "portal.proxy.client_ip"

SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "portal" / "static"]
# Production serves what `collectstatic` wrote: names carry a content hash, so WhiteNoise sends them
# compressed (gzip; Brotli too with the brotli package) with a year-long `immutable` cache header;
# a new release gets new names.
# Development and tests keep unhashed names (no manifest needed) and read the apps' folders directly.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "whitenoise.storage.CompressedStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_MAX_AGE = env_int("WHITENOISE_MAX_AGE", 0 if DEBUG else 3600)  # unhashed names (favicon links)

# Uploads: bundles and demand-list workbooks are read only through the import path.
UPLOAD_MAX_BYTES = env_int("UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = UPLOAD_MAX_BYTES + 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Task report attachments (plan): stored here, served only through the scoped download page, never as /media/.
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))

# Security headers; the strict ones only make sense behind TLS, i.e. in production.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)
if PRODUCTION or not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    # Trust this header only when a proxy you run sets it (deploy/nginx-portal.conf overwrites it);
    # set it empty when gunicorn faces clients directly.
    SECURE_PROXY_SSL_HEADER = env_proxy_header("SECURE_PROXY_SSL_HEADER", "X-Forwarded-Proto: https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
USE_X_FORWARDED_HOST = env_bool("USE_X_FORWARDED_HOST", False)

# E-mail: password resets, notices (notices.mail), tracebacks of server errors to ADMINS.
# Development prints mail to the console.
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "portal@localhost")
SERVER_EMAIL = env_str("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_SUBJECT_PREFIX = env_str("EMAIL_SUBJECT_PREFIX", "[产教融合平台] ")
ADMINS = env_admins("ADMINS")
# The address people open the portal at: links in notice e-mails start with it.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.drf.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["portal.drf.RolePermission"],
    "DEFAULT_PAGINATION_CLASS": "portal.drf.Pagination",
    "DEFAULT_PARSER_CLASSES": [
        "portal.drf.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "portal.drf.SearchFilter",
        "portal.drf.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "portal.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "60/min"),
        "user": env_str("API_THROTTLE_USER", "6000/min"),
    },
    "EXCEPTION_HANDLER": "portal.drf.exception_handler",
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
SPECTACULAR_SETTINGS = {
    # Lazy: the schema is written in the language of the request (or of ?lang=).
    "TITLE": gettext_lazy("产教融合管理平台 API"),
    # The description (Getting started) and the tags' descriptions come from portal.openapi.postprocess,
    # translated into the request's language.
    "DESCRIPTION": "",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "portal.openapi.postprocess"],
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a `status`/`kind`: give each choice set its own stable schema name.
    "ENUM_NAME_OVERRIDES": {
        "EnterpriseTagEnum": "enterprises.choices.EnterpriseTag",
        "ListStatusEnum": "demand.choices.ListStatus",
        "ItemStatusEnum": "demand.choices.ItemStatus",
        "ItemKindEnum": "demand.choices.ItemKind",
        "CollegeKindEnum": "colleges.choices.CollegeKind",
        "BaseKindEnum": "colleges.choices.BaseKind",
        "OrderClassKindEnum": "programs.choices.OrderClassKind",
        "PolicyStatusEnum": "policies.choices.PolicyStatus",
        "RunStatusEnum": "metrics.choices.RunStatus",
        "AlertStatusEnum": "metrics.choices.AlertStatus",
        # The review rules (SPEC 4.4) brought a second `level` and `comparator`: the older names stay as they were.
        "LevelEnum": "reference.choices.MajorLevel",
        "ComparatorEnum": "metrics.choices.Comparator",
        "ReviewLevelEnum": "metrics.choices.ReviewLevel",
        "ReviewComparatorEnum": "metrics.choices.ReviewComparator",
        "ProgressStatusEnum": "plan.choices.ProgressStatus",
        "ReviewStateEnum": "plan.choices.ReviewState",
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env_str("CACHE_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env_str("CACHE_URL")}}

# Celery: without a broker the tasks run in-process (eager), as SPEC 5 asks.
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env_int("CELERY_TASK_TIME_LIMIT", 30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 25 * 60)
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_WORKER_HIJACK_ROOT_LOGGER = False  # workers log through LOGGING below (LOG_FORMAT=json too)
# Queues by kind of work, so a long import or a mass mailing never holds up a metric run: a worker
# started without -Q consumes all of them; deploy/ runs one worker per queue group (README "Deploying").
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in ("celery", "metrics", "imports", "notices")]
CELERY_TASK_ROUTES = {
    "metrics.tasks.*": {"queue": "metrics"},
    "exchange.tasks.*": {"queue": "imports"},
    "policies.tasks.*": {"queue": "notices"},
    "accounts.tasks.*": {"queue": "notices"},
    "notices.tasks.*": {"queue": "notices"},
    "followup.tasks.*": {"queue": "notices"},
}

# Metrics: the city's name on city-scope snapshots; a running run without a heartbeat for
# METRICS_STALE_AFTER_S is reaped as failed (its worker died). METRICS_TEST_DELAY_S is test-only:
# it slows every metric step so a test can kill a worker in the middle of a run.
CITY_NAME = env_str("CITY_NAME", "淮安市")
METRICS_STALE_AFTER_S = env_int("METRICS_STALE_AFTER_S", 10 * 60)
METRICS_TEST_DELAY_S = float(env_str("METRICS_TEST_DELAY_S", "0") or 0)

# Retention (ops.retention, `manage.py prune_data`, nightly in beat). A period's latest succeeded run
# is always kept whole; the supply–demand lines of runs superseded more than RETENTION_RUN_ROWS_DAYS ago
# go. Login records older than RETENTION_AXES_DAYS go. Audit history older than RETENTION_HISTORY_DAYS
# goes, except each object's latest record; empty or 0 keeps all history (the default). The API's
# deletions feed keeps RETENTION_DELETIONS_DAYS (0: all).
RETENTION_RUN_ROWS_DAYS = env_int("RETENTION_RUN_ROWS_DAYS", 30)
RETENTION_AXES_DAYS = env_int("RETENTION_AXES_DAYS", 180)
RETENTION_HISTORY_DAYS = env_int("RETENTION_HISTORY_DAYS", 0)
RETENTION_DELETIONS_DAYS = env_int("RETENTION_DELETIONS_DAYS", 365)

# /readyz reports a metric run older than this as stale (nightly refresh: two days means it failed twice).
READYZ_RUN_MAX_AGE_H = env_int("READYZ_RUN_MAX_AGE_H", 48)

# Logs go to stderr (journald under systemd). LOG_FORMAT=json: one JSON object per line with the
# request id, user id and role (portal/logs.py). Server errors mail ADMINS when DEBUG is off.
LOG_FORMAT = env_str("LOG_FORMAT", "plain")
_MANAGEMENT_COMMAND = Path(sys.argv[0]).name == "manage.py" and "runserver" not in sys.argv
if LOG_FORMAT not in {"plain", "json"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "request": {"()": "portal.logs.RequestContextFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "portal.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's own console handler would print each line twice; the root handler prints it once.
        "django": {"handlers": ["mail_admins"], "level": "INFO", "propagate": True},
        "django.db.backends": {"level": "WARNING"},
        # Commands (migrate, prune_data, cron jobs) say what they do; axes' start-up banner and
        # per-login INFO lines would bury it. Web and worker processes keep them.
        "axes": {"level": "WARNING" if _MANAGEMENT_COMMAND else "INFO"},
    },
}

# Optional error reporting: SENTRY_DSN needs sentry-sdk (in requirements.txt). No personal data is sent.
SENTRY_DSN = env_str("SENTRY_DSN")
if SENTRY_DSN:
    try:
        import sentry_sdk
    except ImportError:
        raise ImproperlyConfigured("SENTRY_DSN is set but sentry-sdk is not installed (pip install sentry-sdk).")
    sentry_sdk.init(
        dsn=SENTRY_DSN,
        environment=DJANGO_ENV,
        send_default_pii=False,
        traces_sample_rate=float(env_str("SENTRY_TRACES_SAMPLE_RATE", "0") or 0),
    )
