"""duban settings: one file, driven by the environment.

Runs on an embedded SQLite file under var/ with no configuration at all; set DATABASE_URL
(``sqlite:///path`` or ``postgres://user@host:5432/name``) for anything else. Production is
``DUBAN_ENV=production`` with a real ``DUBAN_SECRET_KEY`` and ``DUBAN_ALLOWED_HOSTS``.
See .env.example for every variable.
"""

import os
import secrets
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), got {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {value!r}") from None


DUBAN_ENV = env("DUBAN_ENV", "development")
if DUBAN_ENV not in ("development", "production"):
    raise ImproperlyConfigured(f"DUBAN_ENV must be 'development' or 'production', got {DUBAN_ENV!r}")
PRODUCTION = DUBAN_ENV == "production"

VAR_DIR = Path(env("DUBAN_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    key = env("DUBAN_SECRET_KEY")
    if key:
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("DUBAN_SECRET_KEY must be set when DUBAN_ENV=production")
    # A development key that survives restarts (sessions stay valid) but is never committed.
    path = VAR_DIR / "secret_key"
    if not path.exists():
        # Several processes may start at once (test workers, web + worker): write a private file and
        # link it into place, which succeeds for exactly one of them; the others read the winner's.
        tmp = path.with_name(f"secret_key.{os.getpid()}.tmp")
        tmp.write_text(secrets.token_urlsafe(50))
        tmp.chmod(0o600)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = envbool("DUBAN_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = [h for h in env("DUBAN_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("DUBAN_CSRF_TRUSTED_ORIGINS").split(",") if o]

INSTALLED_APPS = [
    # duban, one app per domain noun
    "duban.core",
    "duban.org",
    "duban.audit",
    "duban.notify",
    "duban.plans",
    "duban.reports",
    "duban.supervision",
    "duban.api",
    "duban.indicators",
    "duban.projects",
    # third party
    "ninja",
    "django_htmx",
    "django_tasks_db",
    # django
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "duban.core.middleware.UploadLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "duban.org.middleware.SessionPolicyMiddleware",
    "duban.core.middleware.AuditSourceMiddleware",
    "duban.core.middleware.DomainErrorMiddleware",
]

ROOT_URLCONF = "duban.urls"
WSGI_APPLICATION = "duban.wsgi.application"

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
                "django.template.context_processors.i18n",
                "duban.core.context_processors.duban",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'duban.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if DEBUG else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers run while the worker writes; IMMEDIATE avoids "database is locked"
        # upgrades from read to write transactions; foreign keys are on by Django's default.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # Tests use a file too (not SQLite's shared in-memory database): browser tests run a live server
    # beside the test code, and only a file gets WAL and the busy timeout; the in-memory shared cache
    # answers "table is locked" instead of waiting. pytest-xdist adds _gw0, _gw1 … per worker.
    DATABASES["default"]["TEST"] = {"NAME": env("DUBAN_TEST_SQLITE_NAME") or str(VAR_DIR / "test.sqlite3")}
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {})
else:
    raise ImproperlyConfigured("DATABASE_URL must be sqlite:///… or postgres://…")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "org.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Password rules: the security admin's policy (duban.org.policy) decides length, character classes and
# reuse; these environment values seed it until the security admin first saves the policy page.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "duban.org.policy.PolicyLengthValidator"},
    {"NAME": "duban.org.policy.CharacterClassesValidator"},
    {"NAME": "duban.org.policy.HistoryValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
DUBAN_PASSWORD_MIN_LENGTH = envint("DUBAN_PASSWORD_MIN_LENGTH", 8)
DUBAN_PASSWORD_MIN_CLASSES = envint("DUBAN_PASSWORD_MIN_CLASSES", 3)
DUBAN_PASSWORD_MAX_AGE_DAYS = envint("DUBAN_PASSWORD_MAX_AGE_DAYS", 90)
DUBAN_PASSWORD_HISTORY = envint("DUBAN_PASSWORD_HISTORY", 5)
DUBAN_SESSION_IDLE_MINUTES = envint("DUBAN_SESSION_IDLE_MINUTES", 30)

# Login throttling: this many failures within the window lock the account for the lockout time
# (seeds of the security policy, like the password rules above).
DUBAN_LOGIN_MAX_FAILURES = envint("DUBAN_LOGIN_MAX_FAILURES", 5)
DUBAN_LOGIN_LOCKOUT_MINUTES = envint("DUBAN_LOGIN_LOCKOUT_MINUTES", 15)


# Single sign-on with the office's directory (see README "Single sign-on"). Both are off until configured.
def envmap(name: str) -> dict[str, str]:
    """``a=b,c=d`` (either of ,，; separates pairs) as a dict."""
    out: dict[str, str] = {}
    for pair in env(name).replace("，", ",").replace(";", ",").split(","):
        if pair.strip():
            if "=" not in pair:
                raise ImproperlyConfigured(f"{name} is a list of name=value pairs, got {pair!r}")
            key, value = pair.split("=", 1)
            out[key.strip()] = value.strip()
    return out


# What the directory says about a person, in LDAP attribute names or OpenID Connect claim names:
# the department (matched to a unit's full name, short name or alias; if the attribute is missing, the
# innermost OU of the LDAP entry), the display name, and the role (DUBAN_SSO_ROLE_MAP maps its values to
# reporter/head/leader/admin; without a match the default role). The security and audit admins are
# never directory accounts.
DUBAN_SSO_DEPARTMENT_ATTRIBUTE = env("DUBAN_SSO_DEPARTMENT_ATTRIBUTE", "department")
DUBAN_SSO_NAME_ATTRIBUTE = env("DUBAN_SSO_NAME_ATTRIBUTE", "cn")
DUBAN_SSO_ROLE_ATTRIBUTE = env("DUBAN_SSO_ROLE_ATTRIBUTE", "employeeType")
DUBAN_SSO_ROLE_MAP = envmap("DUBAN_SSO_ROLE_MAP") or {
    "承办人": "reporter",
    "单位负责人": "head",
    "领导": "leader",
    "督办管理员": "admin",
}
DUBAN_SSO_DEFAULT_ROLE = env("DUBAN_SSO_DEFAULT_ROLE", "reporter")
DUBAN_SSO_UNIT_MAP = envmap("DUBAN_SSO_UNIT_MAP")  # directory department = duban unit code

# LDAP / Active Directory, with django-python3-ldap (pure Python, ldap3: nothing to compile).
DUBAN_LDAP_ENABLED = bool(env("DUBAN_LDAP_URL"))
LDAP_AUTH_URL = [u for u in env("DUBAN_LDAP_URL").split(",") if u]
LDAP_AUTH_USE_TLS = envbool("DUBAN_LDAP_START_TLS", False)
LDAP_AUTH_SEARCH_BASE = env("DUBAN_LDAP_SEARCH_BASE")
LDAP_AUTH_OBJECT_CLASS = env("DUBAN_LDAP_OBJECT_CLASS", "inetOrgPerson")
LDAP_AUTH_USER_FIELDS = {"username": env("DUBAN_LDAP_USERNAME_ATTRIBUTE", "uid")}
LDAP_AUTH_USER_LOOKUP_FIELDS = ("username",)
LDAP_AUTH_CONNECTION_USERNAME = env("DUBAN_LDAP_BIND_DN") or None
LDAP_AUTH_CONNECTION_PASSWORD = env("DUBAN_LDAP_BIND_PASSWORD") or None
LDAP_AUTH_ACTIVE_DIRECTORY_DOMAIN = env("DUBAN_LDAP_AD_DOMAIN") or None
LDAP_AUTH_FORMAT_USERNAME = "duban.org.sso.ldap_format_username"
LDAP_AUTH_SYNC_USER_RELATIONS = "duban.org.sso.ldap_sync_user_relations"
LDAP_AUTH_CONNECT_TIMEOUT = envint("DUBAN_LDAP_TIMEOUT", 10)
LDAP_AUTH_RECEIVE_TIMEOUT = envint("DUBAN_LDAP_TIMEOUT", 10)

# OpenID Connect (the authorization code flow), with mozilla-django-oidc.
DUBAN_OIDC_ENABLED = bool(env("DUBAN_OIDC_CLIENT_ID"))
DUBAN_OIDC_ISSUER = env("DUBAN_OIDC_ISSUER")
DUBAN_OIDC_USERNAME_CLAIM = env("DUBAN_OIDC_USERNAME_CLAIM", "preferred_username")
DUBAN_SSO_BUTTON = env("DUBAN_SSO_BUTTON")  # the login page's button text, e.g. 统一身份认证登录
OIDC_RP_CLIENT_ID = env("DUBAN_OIDC_CLIENT_ID")
OIDC_RP_CLIENT_SECRET = env("DUBAN_OIDC_CLIENT_SECRET")
OIDC_RP_SIGN_ALGO = env("DUBAN_OIDC_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = env("DUBAN_OIDC_SCOPES", "openid profile email")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("DUBAN_OIDC_AUTHORIZATION_URL")
OIDC_OP_TOKEN_ENDPOINT = env("DUBAN_OIDC_TOKEN_URL")
OIDC_OP_USER_ENDPOINT = env("DUBAN_OIDC_USERINFO_URL")
OIDC_OP_JWKS_ENDPOINT = env("DUBAN_OIDC_JWKS_URL")
OIDC_TIMEOUT = envint("DUBAN_OIDC_TIMEOUT", 10)
OIDC_USE_PKCE = True
LOGIN_REDIRECT_URL_FAILURE = "/login/"
if DUBAN_OIDC_ENABLED and not (
    OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_OP_TOKEN_ENDPOINT and OIDC_OP_JWKS_ENDPOINT
):
    raise ImproperlyConfigured(
        "DUBAN_OIDC_CLIENT_ID is set: set DUBAN_OIDC_AUTHORIZATION_URL, DUBAN_OIDC_TOKEN_URL, "
        "DUBAN_OIDC_USERINFO_URL and DUBAN_OIDC_JWKS_URL too"
    )
AUTHENTICATION_BACKENDS = [
    "duban.org.auth.ThrottledModelBackend",
    *(["django_python3_ldap.auth.LDAPBackend"] if DUBAN_LDAP_ENABLED else []),
    *(["duban.org.sso.OIDCBackend"] if DUBAN_OIDC_ENABLED else []),
]

# Separate administrator duties (三员分立, 等保 level 3): the office admin (系统管理员) runs the plans and the
# configuration, the security admin (安全管理员) the accounts, roles and password rules, the audit admin
# (审计管理员) reads and exports the audit log; none can do the others' work. 0 lets the office admin do all
# three, for a small installation that is not assessed under 等保.
DUBAN_SEPARATE_DUTIES = envbool("DUBAN_SEPARATE_DUTIES", True)

# The audit log is kept this many days (0: for ever); `duban audit prune` removes older events and keeps
# the hash chain verifiable. China's Cybersecurity Law (art. 21) asks for at least six months of logs.
DUBAN_AUDIT_RETENTION_DAYS = envint("DUBAN_AUDIT_RETENTION_DAYS", 0)
if 0 < DUBAN_AUDIT_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("DUBAN_AUDIT_RETENTION_DAYS must be 0 (keep for ever) or at least 180")

# Sessions and cookies. HTTPS is assumed in production; an intranet served over plain HTTP
# sets DUBAN_HTTPS=0 (and then `check --deploy` rightly warns).
HTTPS = envbool("DUBAN_HTTPS", PRODUCTION)
SESSION_COOKIE_AGE = envint("DUBAN_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_SSL_REDIRECT = HTTPS and envbool("DUBAN_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("DUBAN_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("DUBAN_BEHIND_PROXY", False) else None
)
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy: scripts, styles, images and requests from duban itself only; no inline code
# anywhere (behaviour lives in static/js, styles in static/css). Swagger UI's stylesheet draws its icons
# from data: URIs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Internationalisation: Chinese first, English complete.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [Path(env("DUBAN_LOCALE_DIR", str(BASE_DIR / "locale")))]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = not PRODUCTION
# Uploaded files live outside the web root and are served only through access-checked views.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"  # never routed: files are served by access-checked views
# Files in (duban/core/uploads.py checks every upload against these before parsing or saving it).
DUBAN_UPLOAD_MAX_MB = envint("DUBAN_UPLOAD_MAX_MB", 20)  # one uploaded file
DUBAN_UPLOAD_MAX_EXPANDED_MB = envint("DUBAN_UPLOAD_MAX_EXPANDED_MB", 100)  # a .docx/.xlsx/PDF unpacked
DUBAN_UPLOAD_MAX_RATIO = envint("DUBAN_UPLOAD_MAX_RATIO", 100)  # unpacked : packed, for parts over 1 MB
DUBAN_UPLOAD_MAX_FILES = envint("DUBAN_UPLOAD_MAX_FILES", 10_000)  # parts inside one .docx/.xlsx
DUBAN_SHEET_MAX_ROWS = envint("DUBAN_SHEET_MAX_ROWS", 100_000)  # rows of an uploaded workbook
DUBAN_SHEET_MAX_CELLS = envint("DUBAN_SHEET_MAX_CELLS", 2_000_000)
DUBAN_RESTORE_MAX_MB = envint("DUBAN_RESTORE_MAX_MB", 4096)  # a backup file
DUBAN_RESTORE_MAX_EXPANDED_MB = envint("DUBAN_RESTORE_MAX_EXPANDED_MB", 16_384)
DUBAN_RESTORE_MAX_FILES = envint("DUBAN_RESTORE_MAX_FILES", 1_000_000)
# Files past this go to a temporary file (removed when the request ends), not memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# The form fields of a request, files aside; files are bounded by DUBAN_UPLOAD_MAX_MB each and a
# request by UploadLimitMiddleware (duban/core/middleware.py), which answers 413 before reading it.
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
DUBAN_UPLOAD_MAX_FILES_PER_REQUEST = envint("DUBAN_UPLOAD_MAX_FILES_PER_REQUEST", 10)
DATA_UPLOAD_MAX_NUMBER_FILES = DUBAN_UPLOAD_MAX_FILES_PER_REQUEST
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "duban.core.uploads.BoundedUploadHandler",
]

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

DEFAULT_FROM_EMAIL = env("DUBAN_FROM_EMAIL", "duban@localhost")
# Mail (Django 6.1 MAILERS): SMTP to DUBAN_SMTP_HOST:DUBAN_SMTP_PORT, 127.0.0.1:25 by default.
# E-mail notifications stay off until DUBAN_EMAIL=1; the other channels need no settings.
MAILERS = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env("DUBAN_SMTP_HOST", "127.0.0.1"),
            "port": envint("DUBAN_SMTP_PORT", 25),
            "username": env("DUBAN_SMTP_USER"),
            "password": env("DUBAN_SMTP_PASSWORD"),
            "use_tls": envbool("DUBAN_SMTP_STARTTLS", False),
            "use_ssl": envbool("DUBAN_SMTP_SSL", False),
            "timeout": envint("DUBAN_SMTP_TIMEOUT", 10),
        },
    }
}
DUBAN_EMAIL_ENABLED = envbool("DUBAN_EMAIL", False)
DUBAN_NOTIFY_MAILER = "default"
# Seconds a webhook or chat robot may take to answer before the attempt counts as failed.
DUBAN_NOTIFY_TIMEOUT = envint("DUBAN_NOTIFY_TIMEOUT", 10)
# The address people open duban at, for the links in e-mails and chat messages.
DUBAN_BASE_URL = env("DUBAN_BASE_URL", "http://127.0.0.1:8000")

# Reminders (催办), see `duban tick`: no messages in the quiet hours (local time, HH:MM-HH:MM, may span
# midnight), daily digests at DUBAN_REMINDER_DIGEST_AT, at most DUBAN_REMINDER_DAILY_CAP reminder
# messages per person per day (a person may choose fewer). The supervision page warns when the tick
# has not run for DUBAN_TICK_STALE_MINUTES.
DUBAN_REMINDER_QUIET_HOURS = env("DUBAN_REMINDER_QUIET_HOURS", "22:00-07:00")
DUBAN_REMINDER_DIGEST_AT = env("DUBAN_REMINDER_DIGEST_AT", "08:00")
DUBAN_REMINDER_DAILY_CAP = envint("DUBAN_REMINDER_DAILY_CAP", 3)
DUBAN_TICK_STALE_MINUTES = envint("DUBAN_TICK_STALE_MINUTES", 30)

NINJA_PAGINATION_PER_PAGE = 100

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("DUBAN_LOG_LEVEL", "WARNING")},
}

DUBAN_VERSION = "0.1.0"
DUBAN_SITE_NAME = _("duban")
