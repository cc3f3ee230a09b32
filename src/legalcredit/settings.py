"""Settings, all from the environment, with safe defaults for the embedded mode.

Embedded mode (no variables set): SQLite in WAL mode and a SQLite huey queue
under LEGALCREDIT_HOME (default ./var). Scale mode: DATABASE_URL=postgres://...
and REDIS_URL=redis://... .
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [v.strip() for v in os.environ.get(name, default).split(",") if v.strip()]


BASE_DIR = Path(__file__).resolve().parent
HOME = Path(os.environ.get("LEGALCREDIT_HOME", Path.cwd() / "var")).resolve()

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    key = os.environ.get("SECRET_KEY")
    if key:
        return key
    # Embedded mode: a random key kept beside the data, so sessions survive a
    # restart without anyone having to invent a secret.
    path = HOME / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        HOME.mkdir(parents=True, exist_ok=True)
        key = secrets.token_urlsafe(50)
        path.write_text(key)
        path.chmod(0o600)
        return key


SECRET_KEY = _secret_key()
# Keys SECRET_KEY replaced, comma-separated: sessions, signed values and the portal's subject
# addresses (portal/converters.py) made with them still verify.
SECRET_KEY_FALLBACKS = [k for k in os.environ.get("SECRET_KEY_FALLBACKS", "").split(",") if k]
# Keys that seal personal data at rest (core/sealing.py); keep a copy apart from the database.
DATA_KEYS_FILE = Path(os.environ.get("LEGALCREDIT_DATA_KEYS_FILE", HOME / "data_keys"))
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI shipped in the package: no CDN on a government network
    "simple_history",
    "huey.contrib.djhuey",
    "legalcredit.accounts.third_party.AxesConfig",  # axes, with its back-office names in Chinese
    "django_otp",
    "legalcredit.accounts.third_party.TotpConfig",  # django_otp's TOTP plugin, likewise
    "legalcredit.core",
    "legalcredit.audit",
    "legalcredit.refdata",
    "legalcredit.accounts",
    "legalcredit.registry",
    "legalcredit.records",
    "legalcredit.evaluation",
    "legalcredit.lists",
    "legalcredit.checks",
    "legalcredit.deadlines",
    "legalcredit.remedies",
    "legalcredit.portal",
    "legalcredit.reports",
    "legalcredit.inspections",
    "legalcredit.complaints",
    "legalcredit.legal_aid",
    "legalcredit.satisfaction",
    "legalcredit.referrals",
    "legalcredit.filings",
    "legalcredit.bulletins",
    "legalcredit.exchange",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "legalcredit.core.middleware.RefuseNulMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "legalcredit.accounts.middleware.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "legalcredit.urls"
WSGI_APPLICATION = "legalcredit.wsgi.application"

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


def _database() -> dict:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        HOME.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{HOME / 'legalcredit.sqlite3'}"
    try:
        config = dj_database_url.parse(url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")))
    except Exception as exc:  # dj-database-url raises bare ValueErrors
        raise ImproperlyConfigured(f"DATABASE_URL 无法解析（{exc}）：{url}") from None
    engine = config["ENGINE"]
    if engine == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        # WAL lets the web server read while the worker writes; IMMEDIATE
        # avoids "database is locked" on read-then-write transactions.
        config["OPTIONS"] = {
            "init_command": (
                "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
                "PRAGMA foreign_keys=ON;PRAGMA busy_timeout=10000;"
            ),
            "transaction_mode": "IMMEDIATE",
        }
    elif engine == "django.db.backends.postgresql":
        options = config.setdefault("OPTIONS", {})
        options.setdefault("connect_timeout", 5)
        # Server-side parameters, and statements prepared once a connection has run them
        # five times: Django leaves prepare_threshold unset, which psycopg reads as never, so
        # every statement was parsed and planned again (PostgreSQL's CPU per credit check
        # 2.9 ms, 1.0 ms prepared). Turn both off (DB_SERVER_SIDE_BINDING=false) behind a
        # transaction-mode pgbouncer older than 1.21.
        if env_bool("DB_SERVER_SIDE_BINDING", True):
            options["server_side_binding"] = True
            options["prepare_threshold"] = 5
    else:
        raise ImproperlyConfigured(f"DATABASE_URL 只支持 sqlite 和 postgres，收到：{engine}")
    config["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 (GB/T 22239 level 3 expects a strong, salted, slow hash); PBKDF2 stays
# listed so existing hashes still verify and are upgraded at the next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
     "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "legalcredit.accounts.passwords.CharacterClassValidator",
     "OPTIONS": {"min_classes": int(os.environ.get("PASSWORD_MIN_CLASSES", "3"))}},
]

# Always Simplified Chinese, whatever the browser asks for (no LocaleMiddleware).
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = HOME / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
MEDIA_ROOT = HOME / "media"

# TOTP for the roles roles.yaml marks two_factor (administrators, checkers) and superusers.
TWO_FACTOR_REQUIRED = env_bool("TWO_FACTOR_REQUIRED", True)
OTP_TOTP_ISSUER = "公共法律服务信用监管平台"

# Lockout after repeated failed logins, per account (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("LOGIN_LOCKOUT_HOURS", "0.5"))
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locked per account, not per address: a county bureau's officers share one NAT
# address, and one mistyping colleague must not lock the whole office out. The
# per-account limit holds however the client rotates cookies or user agents.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "lockout.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): everything from the platform itself, no inline script,
# no frames. Inline styles stay allowed because the admin and Swagger UI set style attributes.
CONTENT_SECURITY_POLICY = {"DIRECTIVES": {
    "default-src": ["'self'"], "script-src": ["'self'"], "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:"], "font-src": ["'self'", "data:"], "connect-src": ["'self'"],
    "object-src": ["'none'"], "base-uri": ["'self'"], "form-action": ["'self'"],
    "frame-ancestors": ["'none'"]}}
# Behind the documented TLS reverse proxy: HSTS and the proxy's scheme header, both opt-in.
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
BEHIND_TLS_PROXY = env_bool("BEHIND_TLS_PROXY", False)
if BEHIND_TLS_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Pages of the public portal one visitor (address) may open per minute; 0 for no cap.
PUBLIC_RATE_PER_MINUTE = int(os.environ.get("PUBLIC_RATE_PER_MINUTE", "120"))
# Complaints one address may make on the portal a day (0: no cap); more go by the 12348 hotline.
PUBLIC_COMPLAINTS_PER_DAY = int(os.environ.get("PUBLIC_COMPLAINTS_PER_DAY", "10"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "legalcredit.accounts.tokens.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated",
                                   "legalcredit.accounts.tokens.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["legalcredit.accounts.tokens.TokenRateThrottle",
                                 "legalcredit.core.visitors.PublicRateThrottle"],
    "EXCEPTION_HANDLER": "legalcredit.core.api_errors.exception_handler",
    "DEFAULT_PAGINATION_CLASS": "legalcredit.core.pagination.Pagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "公共法律服务信用监管平台 API",
    "DESCRIPTION": "legalcredit REST API (v1)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "legalcredit.core.openapi.chinese_tags",
                             "legalcredit.core.openapi.document_errors"],
}

_redis = os.environ.get("REDIS_URL", "").strip()
# Shared by all web worker processes (rate limits must count across them).
CACHES = {"default": (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _redis} if _redis else
    {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
     "LOCATION": str(HOME / "cache")})}
if _redis:
    HUEY = {"huey_class": "huey.RedisHuey", "name": "legalcredit", "url": _redis,
            "immediate": False}
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "legalcredit",
        "filename": str(HOME / "huey.sqlite3"),
        "immediate": env_bool("HUEY_IMMEDIATE", False),
    }

# Processes a full evaluation is spread over (0: one per core; 1: grade in the calling process).
EVALUATION_WORKERS = int(os.environ.get("EVALUATION_WORKERS", "0")) or None

# How long a process trusts its idea of which rule-set edition is current (refdata/rulesets.py).
RULESET_RECHECK_SECONDS = float(os.environ.get("RULESET_RECHECK_SECONDS", "2"))

# Pushing monitoring events to departments' systems (checks/flows.py): how long one POST may take,
# how many events go in one, how many batches one run sends before handing over, and the wait
# after a failure (doubling from the first to the longest).
PUSH_TIMEOUT_SECONDS = int(os.environ.get("PUSH_TIMEOUT_SECONDS", "10"))
PUSH_BATCH = int(os.environ.get("PUSH_BATCH", "100"))
PUSH_BATCHES_PER_RUN = int(os.environ.get("PUSH_BATCHES_PER_RUN", "20"))
PUSH_RETRY_FIRST_SECONDS = int(os.environ.get("PUSH_RETRY_FIRST_SECONDS", "60"))
PUSH_RETRY_LONGEST_SECONDS = int(os.environ.get("PUSH_RETRY_LONGEST_SECONDS", "3600"))

# The data exchange with the sharing platforms (exchange/services.py): the folder the exchange
# server (前置机) collects files from (unset: no exchange), and the hour of the nightly run.
EXCHANGE_OUTBOX = os.environ.get("EXCHANGE_OUTBOX", "").strip()
EXCHANGE_HOUR = int(os.environ.get("EXCHANGE_HOUR", "1"))

# Where the audit trail is sealed into its hash chain: unset = in the writer's transaction on
# SQLite, every minute by the scheduler on PostgreSQL (audit/services.py says why).
AUDIT_SEAL_INLINE = (env_bool("AUDIT_SEAL_INLINE", False) if os.environ.get("AUDIT_SEAL_INLINE") else None)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # The huey consumer installs its own handler; do not print each line twice.
    "loggers": {"huey": {"propagate": False}},
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "legalcredit@localhost")

# The province this platform serves (GB/T 2260 code): the demo builds it and
# the back office offers its cities and counties as filters.
LEGALCREDIT_PROVINCE = os.environ.get("LEGALCREDIT_PROVINCE", "320000")

# Back-office uploads of import files (the CLI streams files of any size).
IMPORT_UPLOAD_MAX_MB = int(os.environ.get("LEGALCREDIT_IMPORT_UPLOAD_MAX_MB", "100"))
# A back-office import runs in the background worker; a job that has reported no progress for this
# long is shown as stopped (a chunk of 2,000 rows takes seconds).
IMPORT_STALL_SECONDS = int(os.environ.get("LEGALCREDIT_IMPORT_STALL_SECONDS", "300"))
# A back-office export is written by the worker and kept for its officer to download this many
# days; it holds full ID numbers, so it is then removed (the job and its audit entry stay).
EXPORT_KEEP_DAYS = int(os.environ.get("LEGALCREDIT_EXPORT_KEEP_DAYS", "3"))
# A batch approval of a large file runs inside its request: the web workers allow it
# this long (gunicorn's default of 30 s would kill a year's batch half-way; it would roll back, but
# the officer would get an error page). A reverse proxy in front needs the same (nginx:
# proxy_read_timeout).
WEB_TIMEOUT_SECONDS = int(os.environ.get("LEGALCREDIT_WEB_TIMEOUT", "900"))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
