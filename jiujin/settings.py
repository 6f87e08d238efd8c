"""One settings module, driven by environment variables.

DATABASE_URL   sqlite:////abs/path.sqlite3 or postgres://user:pass@host/db (default: var/jiujin.sqlite3)
SECRET_KEY     else var/secret_key, made by the first `jiujin` command (jiujin/secretkey.py); never on import
JIUJIN_DEBUG   1 for development
ALLOWED_HOSTS  comma-separated
JIUJIN_SECURE  1 behind HTTPS: secure cookies, HSTS, SSL redirect
JIUJIN_DEMO    1 lets `jiujin demo-data` run (`make run` sets it); never on a production box
REDIS_URL      redis://host:6379/0 for the shared cache (default: the database)
"""

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from jiujin.secretkey import missing_message, read_secret_key, var_dir

BASE_DIR = Path(__file__).resolve().parent
# Made where files are written (the `jiujin` command for the key and the SQLite file, collectstatic, uploads,
# the loop's lock), not here: importing the settings writes nothing.
VAR_DIR = var_dir()


def _env_flag(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    # The environment, else var/secret_key (see jiujin/secretkey.py); neither: stop and say what to do.
    if key := read_secret_key():
        return key
    raise ImproperlyConfigured(missing_message())


SECRET_KEY = _secret_key()
DEBUG = _env_flag("JIUJIN_DEBUG")
# Demo mode: `jiujin demo-data` may create logins with the published password (`make run` sets it).
JIUJIN_DEMO = _env_flag("JIUJIN_DEMO") or DEBUG
ALLOWED_HOSTS = [h for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    "ninja",
    "jiujin.core",
    "jiujin.orgs",
    "jiujin.accounts",
    "jiujin.cadres",
    "jiujin.audit",
    "jiujin.roster",
    "jiujin.api",
    "jiujin.demo",
    "jiujin.tasks",
    "jiujin.visits",
    "jiujin.volunteers",
    "jiujin.directory",
    "jiujin.servicerequests",
    "jiujin.health",
    "jiujin.plans",
    "jiujin.home",
    "jiujin.events",
    "jiujin.opinions",
    "jiujin.contributions",
    "jiujin.branches",
    "jiujin.surveys",
    "jiujin.pilots",
    "jiujin.assessments",
    "jiujin.rewards",
    "jiujin.risk",
    "jiujin.reports",
    "jiujin.dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "jiujin.accounts.middleware.IdleSessionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "jiujin.core.middleware.AccessRuleMiddleware",
]

ROOT_URLCONF = "jiujin.urls"
WSGI_APPLICATION = "jiujin.wsgi.application"

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
                "jiujin.core.context_processors.capabilities",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'jiujin.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the page server read while an import writes; busy timeout instead of "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        # mmap and a 32 MB page cache: a search scans the cadre table, from memory rather than through read().
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA mmap_size=268435456; "
            "PRAGMA cache_size=-32768;"
        ),
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
    }
    # The cadre list's index carries the community as an INCLUDE column on PostgreSQL; SQLite has no such
    # columns and simply leaves it out, which is fine for the sizes it serves.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Servers run on SSDs; PostgreSQL's default cost (4.0) assumes spinning disks and makes the planner walk
    # the wrong index for a community's list (180 ms instead of 3 ms at 100,000 cadres per community).
    _page_cost = os.environ.get("PG_RANDOM_PAGE_COST", "1.1")
    # JIT compiles every large query anew (+350 ms on the home page's quiet-cadres count); plans here are short.
    _options = f"-c random_page_cost={_page_cost} -c jit=off"
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = _options
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Caches must agree across processes and hosts (a summary cached by one gunicorn worker is cleared for all):
# the database by default (its table is made by `jiujin migrate`), Redis when REDIS_URL is set.
CACHES: dict[str, dict[str, Any]]
if redis_url := os.environ.get("REDIS_URL"):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "jiujin_cache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "jiujin.demo.validators.DemoPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # "today": a worker's due work, a supervisor's units
LOGOUT_REDIRECT_URL = "login"

# Login lockout (django-axes): 5 failures for one user name from one address lock that pair for 30 minutes.
# Keyed on both: a stranger elsewhere cannot lock a worker out, and a shared office NAT address does not
# lock the whole office (only the name that was mistyped). Administrators unlock at /accounts/lockouts/.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=30)
AXES_LOCKOUT_PARAMETERS = [["ip_address", "username"]]
AXES_VERBOSE = False
# The address is REMOTE_ADDR. Behind a reverse proxy set AXES_PROXY_COUNT (e.g. 1) to take it from
# X-Forwarded-For; otherwise all clients share the proxy's address and the lockout is per user name again.
if _axes_proxies := int(os.environ.get("AXES_PROXY_COUNT", "0")):
    AXES_IPWARE_PROXY_COUNT = _axes_proxies
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"

# Sessions end after 8 hours of inactivity or when the browser closes: IdleSessionMiddleware (accounts)
# saves an active session at most once a minute, which pushes its expiry 8 hours on.
SESSION_COOKIE_AGE = 8 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_SAVE_EVERY_REQUEST = False
SESSION_REFRESH_INTERVAL = 60  # seconds
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if _env_flag("JIUJIN_SECURE"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # 'wasm-unsafe-eval' lets the check-in scanner compile its QR reader (zxing-wasm, a .wasm file served
        # from here); it allows WebAssembly only, not eval() of JavaScript.
        "script-src": ["'self'", "'wasm-unsafe-eval'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Browser packages from npm (package.json, installed by `make` with `npm ci`, never committed): only the files the
# pages load, under static/vendor/. A server that installs the wheel points JIUJIN_NODE_MODULES at the
# node_modules/ carried with the source tree before `jiujin collectstatic`.
NODE_MODULES = Path(os.environ.get("JIUJIN_NODE_MODULES", BASE_DIR.parent / "node_modules"))
STATICFILES_DIRS = [
    ("vendor/barcode-detector", NODE_MODULES / "barcode-detector" / "dist" / "iife"),
    ("vendor/zxing-wasm", NODE_MODULES / "zxing-wasm" / "dist" / "reader"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
# Uploaded files that outlive a request (photos, attachments). Several app servers share one folder
# (NFS or the like) here; `jiujin backup` includes it.
MEDIA_ROOT = Path(os.environ.get("JIUJIN_MEDIA_ROOT", VAR_DIR / "media"))
MEDIA_URL = "media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Roster uploads up to 50 MB (a 100,000-row .xlsx is ~10 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_TEMP_DIR = None

JIUJIN_PAGE_SIZE = 30
# 银发人才库: entries over this age are flagged at their two-yearly review (never removed silently).
JIUJIN_TALENT_AGE_LIMIT = int(os.environ.get("JIUJIN_TALENT_AGE_LIMIT", "80"))

# Reminders (五必访 daily digest). In-app is always on; other channels are switched on here.
# Email only when EMAIL_HOST is set (Django's own default, "localhost", would silently fail on an intranet).
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _env_flag("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "jiujin@localhost")
JIUJIN_NOTIFY_CHANNELS: dict[str, dict[str, str]] = {}
if EMAIL_HOST:
    JIUJIN_NOTIFY_CHANNELS["email"] = {"from_email": DEFAULT_FROM_EMAIL}
if webhook := os.environ.get("JIUJIN_WECOM_WEBHOOK"):  # 企业微信群机器人
    JIUJIN_NOTIFY_CHANNELS["webhook"] = {"url": webhook}
# Extra senders by dotted path, e.g. an SMS gateway: JIUJIN_NOTIFY_SENDERS = {"sms": "office.sms.Sender"}.
JIUJIN_NOTIFY_SENDERS: dict[str, str] = {}
JIUJIN_REMINDER_HOUR = int(os.environ.get("JIUJIN_REMINDER_HOUR", "8"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
