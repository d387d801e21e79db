"""Settings for wuxiao, read from the environment; every variable has a working default.

With nothing set the site runs in development mode on a SQLite file under ./var.
`DATABASE_URL` switches to PostgreSQL. `DEBUG=0` is production mode: it refuses to start
without a real SECRET_KEY and turns on secure cookies, HSTS and a strict CSP.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
REPO_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    """A string variable; `NAME_FILE` (a path) wins, so secrets can come from files."""
    path = os.environ.get(name + "_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", DEV_SECRET_KEY)
if not DEBUG and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 32):
    raise ImproperlyConfigured(
        "DEBUG=0 (production) needs a real SECRET_KEY of at least 32 characters "
        "(set SECRET_KEY or SECRET_KEY_FILE)."
    )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]" + (",testserver" if DEBUG else ""))
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")
# Where `make run HOST=… PORT=…` serves; unless SITE_URL is set (a domain, a proxy), the links the
# site sends (invitations, e-mails, the address printed at start-up) point there.
RUN_HOST = env_str("HOST", "127.0.0.1")
RUN_PORT = env_int("PORT", 8000)


def _link_host(host: str) -> str:
    if host in {"", "0", "0.0.0.0", "::"}:  # every interface: this machine is reached at 127.0.0.1
        return "127.0.0.1"
    return f"[{host}]" if ":" in host and not host.startswith("[") else host


SITE_URL = (env_str("SITE_URL") or f"http://{_link_host(RUN_HOST)}:{RUN_PORT}").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rules.apps.AutodiscoverRulesConfig",
    "django_tasks",
    "wuxiao.jobs",  # before django_tasks_db: its db_worker command replaces the library's
    "django_tasks_db",
    "ninja",
    "wuxiao.common",
    "wuxiao.accounts",
    "wuxiao.orgs",
    "wuxiao.competitions",
    "wuxiao.entries",
    "wuxiao.documents",
    "wuxiao.screening",
    "wuxiao.review",
    "wuxiao.finals",
    "wuxiao.awards",
    "wuxiao.notifications",
    "wuxiao.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "wuxiao.common.middleware.ContentSecurityPolicyMiddleware",
    "wuxiao.common.middleware.QueryWithoutNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "wuxiao.accounts.middleware.IdleTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "wuxiao.urls"
WSGI_APPLICATION = "wuxiao.wsgi.application"

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
                "wuxiao.common.context_processors.site",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------
DATA_DIR = Path(env_str("DATA_DIR", str(REPO_DIR / "var")))
DATABASE_URL = env_str("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # SQLite must survive concurrent writers: WAL lets readers run beside one writer, IMMEDIATE
    # takes the write lock at BEGIN (so a transaction never fails half-way on upgrade), and the
    # busy timeout makes the others wait instead of answering "database is locked".
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "wuxiao.sqlite3",
            # Opening a connection (Django's SQL functions, the PRAGMAs below) costs about as much
            # CPU as a small request: a web process keeps its connection, as on PostgreSQL.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 30,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    "PRAGMA synchronous=NORMAL;"
                    "PRAGMA busy_timeout=30000;"
                    "PRAGMA foreign_keys=ON;"
                ),
            },
            "TEST": {"NAME": env_str("SQLITE_TEST_NAME", "") or None},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "wuxiao.accounts.backends.MobileOrUsernameBackend",
]
# Argon2id with OWASP's parameters first (accounts/hashers.py); the others still verify older
# hashes (PBKDF2 until 2026), which are re-hashed with Argon2id at the user's next login.
PASSWORD_HASHERS = [
    "wuxiao.accounts.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "wuxiao.accounts.passwords.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "wuxiao.accounts.passwords.CharacterKindsValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:dashboard"
LOGOUT_REDIRECT_URL = "public:home"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24
# Login throttling (accounts.services.authenticate_login): one account from one address gets
# LOGIN_FAILURE_LIMIT failed checks per window, then waits for the window's end; an account from
# all addresses together, and an address for all names together, are only slowed down past
# their (higher) limits, to one check per LOGIN_SLOW_RETRY_SECONDS, so that nobody can lock
# another person out.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
LOGIN_ACCOUNT_FAILURE_LIMIT = env_int("LOGIN_ACCOUNT_FAILURE_LIMIT", 20)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 100)
LOGIN_SLOW_RETRY_SECONDS = env_int("LOGIN_SLOW_RETRY_SECONDS", 30)
# A session unused this long is logged out (accounts.middleware.IdleTimeoutMiddleware).
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
INVITATION_VALID_DAYS = env_int("INVITATION_VALID_DAYS", 7)

# --- Time and language --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Files ---------------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(DATA_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise serves collected files from here in production
NODE_MODULES = REPO_DIR / "node_modules"
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
    ("vendor/pico", NODE_MODULES / "@picocss" / "pico" / "css"),
    ("vendor/echarts", NODE_MODULES / "echarts" / "dist"),
]
MEDIA_URL = "/media/"  # never served directly: attachments go through permission-checked views
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
_storage_backend = env_str("STORAGE_BACKEND", "local")
STORAGES = {
    "default": (
        {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
            "bucket_name": env_str("S3_BUCKET", "wuxiao"),
            "endpoint_url": env_str("S3_ENDPOINT_URL", "") or None,
            "access_key": env_str("S3_ACCESS_KEY", "") or None,
            "secret_key": env_str("S3_SECRET_KEY", "") or None,
            "default_acl": None,
            "querystring_auth": True,
        }}
        if _storage_backend == "s3"
        else {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": MEDIA_ROOT}}
    ),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads stream to a temporary file on the same disk as the media, so storing one is a rename.
FILE_UPLOAD_TEMP_DIR = Path(env_str("FILE_UPLOAD_TEMP_DIR", str(DATA_DIR / "uploads")))
FILE_UPLOAD_TEMP_DIR.mkdir(parents=True, exist_ok=True)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# A view receives no file unless it sets its own limited handler first (wuxiao.common.uploads).
FILE_UPLOAD_HANDLERS = ["wuxiao.common.uploads.NoFileUploadHandler"]
# Pictures (photos, scans) are refused above these sizes, read from the header before any decoding.
# 40 megapixels: a phone photo is 12 MP (48–50 MP sensors save 12 MP by default), an A4 page
# scanned at 300 dpi 8.7 MP and at 600 dpi 35 MP (4960×7016); decoded, 40 MP takes at most 160 MB.
# The longer side allows long screenshots and panoramas. Pillow's MAX_IMAGE_PIXELS is set to the same.
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
IMAGE_MAX_SIDE = env_int("IMAGE_MAX_SIDE", 20_000)

# --- Mail -----------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if not env_str("EMAIL_HOST") else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wuxiao <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background tasks -----------------------------------------------------------------------
TASKS = {"default": {"BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}
# A worker renews the lease of the task it runs every quarter of this; a task whose lease ran out
# (its worker died) runs again, at most TASK_MAX_ATTEMPTS times in all (wuxiao.jobs.leases).
TASK_LEASE_SECONDS = env_int("TASK_LEASE_SECONDS", 60)
TASK_MAX_ATTEMPTS = env_int("TASK_MAX_ATTEMPTS", 3)

# --- Security -------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Sent in every mode, so that development shows a CSP violation as early as production.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self' data:; connect-src 'self'; media-src 'self' blob:; object-src 'none'; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's records reach the console through the root logger only (its own console
        # handler printed every one of them twice).
        "django": {"handlers": [], "level": "INFO"},
        # Embedding a font in a PDF: fontTools reports every table it subsets, WeasyPrint every
        # layout step, at INFO; a batch of forms would bury the log (and `make run`'s start-up).
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
    },
}
