"""Cloudtally settings, read from the environment (and an optional `.env` file) by one typed reader.

Every variable is documented in README.md ("Configuration") and `.env.example`. With nothing set the
product runs on the embedded defaults: SQLite, a filesystem Celery broker and Django serving the SPA.
"""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent  # backend/
REPO_DIR = BASE_DIR.parent

env = environ.Env()
ENV_FILE = env.str("CLOUDTALLY_ENV_FILE", default=str(BASE_DIR / ".env"))
if Path(ENV_FILE).is_file():
    env.read_env(ENV_FILE)

DATA_DIR = Path(env.str("CLOUDTALLY_DATA_DIR", default=str(BASE_DIR / "var")))
for _sub in ("", "cache", "static", "broker/queue", "broker/processed", "broker/control"):
    (DATA_DIR / _sub).mkdir(parents=True, exist_ok=True)

# --- Core -----------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (see README: Configuration).")
    SECRET_KEY = "insecure-development-only-" + hashlib.sha256(str(BASE_DIR).encode()).hexdigest()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Base URL of the web UI, used for links in e-mails (never taken from the request's Host header).
PUBLIC_BASE_URL = env.str("PUBLIC_BASE_URL", default="http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI / Redoc files served from /static/, not a CDN (CSP, offline)
    "django_celery_beat",
    "mozilla_django_oidc",
    "django_prometheus",
    "authentication",
    "accounts",
    "discovery",
    "assets",
    "exports",
    "dashboard",
    "config",  # project-level management commands (backup, restore)
]

MIDDLEWARE = [
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "config.request_id.RequestIdMiddleware",
    "config.probes.ProbeMiddleware",  # /healthz, /readyz, /metrics for probes that address the pod by IP
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "authentication.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
AUTH_USER_MODEL = "authentication.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'cloudtally.sqlite3'}")}
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DB_VENDOR = DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
if DB_VENDOR == "sqlite3":
    # WAL lets the web process read while a worker writes; a busy timeout instead of "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 30, "transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
elif DB_VENDOR == "mysql":
    import pymysql

    pymysql.install_as_MySQLdb()
    DATABASES["default"].setdefault("OPTIONS", {}).update({"charset": "utf8mb4"})

# --- Cache, broker, Celery ------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Redis down = no cache (not a 500 on every request): config/cache.py.
    from config.cache import redis_caches

    CACHES = redis_caches(REDIS_URL)
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "filesystem://")
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {}
if CELERY_BROKER_URL.startswith("filesystem://"):
    _broker_dir = DATA_DIR / "broker"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # Broadcast/pidbox exchange files; the transport's default is ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None) or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=3.0)

# --- Auth -----------------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "authentication.oidc.CloudtallyOIDCBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)
# API tokens: a worker process reuses a token's lookup (and its user) for this many seconds (0 = every
# request asks the database). Revocation in another process, deactivation and role changes take
# effect within it; expiry is checked on every request.
API_TOKEN_CACHE_SECONDS = env.int("API_TOKEN_CACHE_SECONDS", default=0)
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
# Failed sign-ins from one client address (any usernames) before that address is locked out too.
LOGIN_IP_FAILURE_LIMIT = env.int("LOGIN_IP_FAILURE_LIMIT", default=20)
# Number of reverse proxies in front of Django that append to X-Forwarded-For (nginx: 1). 0 = trust only
# REMOTE_ADDR, so a client cannot forge its address in the audit log or dodge the login throttle.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# mozilla-django-oidc: endpoints and client come from SiteSettings at runtime (authentication/oidc.py);
# these are only the library's static knobs.
OIDC_RP_SIGN_ALGO = env.str("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_CREATE_USER = True
OIDC_AUTHENTICATE_CLASS = "authentication.oidc.CloudtallyOIDCAuthenticationRequestView"
OIDC_CALLBACK_CLASS = "authentication.oidc.CloudtallyOIDCCallbackView"
OIDC_VERIFY_SSL = env.bool("OIDC_VERIFY_SSL", default=True)
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
ALLOW_LOGOUT_GET_METHOD = False
OIDC_RP_CLIENT_ID = ""  # replaced at runtime from SiteSettings
OIDC_RP_CLIENT_SECRET = ""
OIDC_OP_AUTHORIZATION_ENDPOINT = ""
OIDC_OP_TOKEN_ENDPOINT = ""
OIDC_OP_USER_ENDPOINT = ""
OIDC_OP_JWKS_ENDPOINT = ""

# Fernet key for secrets stored in the database (AWS keys, OIDC client secret, SMTP password).
# Defaults to a key derived from SECRET_KEY; set it explicitly so SECRET_KEY can rotate.
FIELD_ENCRYPTION_KEY = (
    env.str("FIELD_ENCRYPTION_KEY", default="")
    or base64.urlsafe_b64encode(
        hashlib.sha256(("cloudtally-field-encryption:" + SECRET_KEY).encode()).digest()
    ).decode()
)

# --- E-mail (defaults; admins can override in site settings) --------------------------------------
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="cloudtally@localhost")

# --- AWS ------------------------------------------------------------------------------------------
AWS_DEFAULT_REGION = env.str("AWS_DEFAULT_REGION", default="us-east-1")
CLOUDTALLY_DEFAULT_REGIONS = env.list("CLOUDTALLY_DEFAULT_REGIONS", default=[])
CLOUDTALLY_DEFAULT_ROLE_NAME = env.str("CLOUDTALLY_DEFAULT_ROLE_NAME", default="CloudtallyReadOnly")
DISCOVERY_MAX_WORKERS = env.int("DISCOVERY_MAX_WORKERS", default=16)
DISCOVERY_MAX_PER_SERVICE = env.int("DISCOVERY_MAX_PER_SERVICE", default=4)
DISCOVERY_MAX_ATTEMPTS = env.int("DISCOVERY_MAX_ATTEMPTS", default=8)
DISCOVERY_CONNECT_TIMEOUT = env.float("DISCOVERY_CONNECT_TIMEOUT", default=5.0)
DISCOVERY_READ_TIMEOUT = env.float("DISCOVERY_READ_TIMEOUT", default=30.0)
DISCOVERY_TIME_LIMIT = env.int("DISCOVERY_TIME_LIMIT", default=30 * 60)
# A job (or one account's part of it) with no heartbeat for this long is marked FAILED by the reaper.
DISCOVERY_STALE_AFTER = env.int("DISCOVERY_STALE_AFTER", default=15 * 60)
# Discovered resources persisted per bulk statement.
DISCOVERY_BATCH_SIZE = env.int("DISCOVERY_BATCH_SIZE", default=1000)
# PostgreSQL: database connections per account task that write its batches while the task prepares the
# next ones (discovery.writers); 0 writes in the task's own thread.
DISCOVERY_DB_WRITERS = env.int("DISCOVERY_DB_WRITERS", default=2)
# Seconds: an unchanged asset's last_seen is rewritten only once it is older than this (0: every run).
# The exact time each scope was last listed completely is kept in discovery.DiscoveryScope.
DISCOVERY_LAST_SEEN_RESOLUTION = env.int("DISCOVERY_LAST_SEEN_RESOLUTION", default=3600)
COST_TIME_LIMIT = env.int("COST_TIME_LIMIT", default=5 * 60)

# --- REST framework -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Bearer first: its authenticate_header makes anonymous requests answer 401 rather than 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "authentication.tokens.BearerTokenAuthentication",
        "authentication.sessions.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["authentication.permissions.IsViewer"],
    "DEFAULT_PAGINATION_CLASS": "config.pagination.StandardPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "config.exceptions.api_exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    "DEFAULT_PARSER_CLASSES": [
        "config.parsers.JSONParser",  # DRF's, with a 400 for absurdly nested JSON (hostile input)
        "rest_framework.parsers.MultiPartParser",
        "rest_framework.parsers.FormParser",
    ],
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "NON_FIELD_ERRORS_KEY": "non_field_errors",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Cloudtally API",
    "DESCRIPTION": "Self-hosted AWS asset register: assets, accounts, discovery, costs, exports.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/",
    "ENUM_NAME_OVERRIDES": {
        "ProtectionNeedEnum": "assets.models.ProtectionNeed",
        "AssetStatusEnum": "assets.models.AssetStatus",
        "AssetTypeEnum": "assets.models.AssetType",
        "JobStatusEnum": "discovery.models.JobStatus",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Schema warnings are a build-time matter (`manage.py spectacular --validate` in make schema-check),
    # not a reason for `check --deploy` (run before every deployment) to fail or to build the schema.
    "ENABLE_DJANGO_DEPLOY_CHECK": False,
}

# Asset register: above this many matches the list reports an estimated count (count_is_estimate).
ASSETS_EXACT_COUNT_LIMIT = env.int("ASSETS_EXACT_COUNT_LIMIT", default=10_000)
# PostgreSQL: time allowed to count up to that limit before falling back to the planner's estimate.
ASSETS_COUNT_TIMEOUT_MS = env.int("ASSETS_COUNT_TIMEOUT_MS", default=40)
# Seconds the dashboard and the list's filter options are cached (0 = no cache); asset edits drop it.
DASHBOARD_CACHE_SECONDS = env.int("DASHBOARD_CACHE_SECONDS", default=60)
# PostgreSQL: a large CSV export ordered by id (>= 200,000 rows) is written by two database connections
# of its own (each formats ~135,000 rows/s) besides the request's; False: always one COPY.
EXPORT_CSV_SPLIT = env.bool("EXPORT_CSV_SPLIT", default=True)

# Request body limits (hostile input): JSON/form bodies and uploads.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Static files and the SPA ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
FRONTEND_DIST = Path(env.str("FRONTEND_DIST", default=str(REPO_DIR / "frontend" / "dist")))
# Embedded mode: Django serves the built SPA itself (whitenoise for files, index.html fallback view).
SERVE_SPA = env.bool("SERVE_SPA", default=True)
WHITENOISE_ROOT = FRONTEND_DIST if SERVE_SPA and FRONTEND_DIST.is_dir() else None
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Security headers (production hardening toggles; secure defaults when DEBUG is off) -----------
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
USE_X_FORWARDED_HOST = env.bool("USE_X_FORWARDED_HOST", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'", *env.list("CSP_FORM_ACTION", default=[])],
        "base-uri": ["'self'"],
        # Redoc (/api/redoc/) builds its search index in a Web Worker made from a blob: URL.
        "worker-src": ["'self'", "blob:"],
    }
}

# Prometheus metrics at /metrics: only from these client addresses (or with METRICS_TOKEN as Bearer).
METRICS_ALLOWED_IPS = env.list("METRICS_ALLOWED_IPS", default=["127.0.0.1", "::1"])
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Celery workers serve their own metrics (task counts/durations, config/celery_metrics.py) on this
# port when it is not 0; keep it off public networks (Prometheus scrapes the pod directly).
WORKER_METRICS_PORT = env.int("WORKER_METRICS_PORT", default=0)
WORKER_METRICS_ADDR = env.str("WORKER_METRICS_ADDR", default="0.0.0.0")  # noqa: S104

# --- Logging: JSON lines with the request id ------------------------------------------------------
LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
LOG_FORMAT = env.str("LOG_FORMAT", default="json")  # json | text
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "config.request_id.RequestIdFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
        "text": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "botocore": {"level": "WARNING"},
        "urllib3": {"level": "WARNING"},
    },
}
