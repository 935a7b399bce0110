"""Settings shared by every environment; what differs comes from environment variables."""

import datetime
from pathlib import Path

import django_stubs_ext
import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

# Lets admin, form and feed classes name their model as a type argument (ModelAdmin[UseCase]),
# which Django's classes do not accept at run time by themselves.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

SECRET_KEY = env("DJANGO_SECRET_KEY")
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "guardian",
    "simple_history",
    "axes",
    "csp",
    "accounts",
    "registry",
    "governance",
    "workspace",
]

MIDDLEWARE = [
    # Outermost: it sees who the request turned out to be, after every other middleware.
    "config.middleware.PrivateResponsesMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.ContentSecurityPolicyMiddleware",
    "config.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "config.middleware.GermanFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
            ],
        },
    },
]

# An empty DATABASE_URL means the default too, so `DATABASE_URL= make …` picks SQLite.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    )
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Keep a connection per worker for this many seconds instead of opening one per request
# (0: close after each request); a dropped connection is noticed and replaced.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Password login exists only for the local demo and the first superuser; production turns it off.
PASSWORD_LOGIN_ENABLED = env.bool("PASSWORD_LOGIN_ENABLED", default=False)
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# KERN UX's CSS, fonts and icons come from its npm package (`make install` runs `npm ci`).
STATICFILES_DIRS = [BASE_DIR / "static", ("kern", BASE_DIR / "node_modules/@kern-ux/native/dist")]
MEDIA_ROOT = env.path("DJANGO_MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "media/"

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The public register: how long shared caches may keep a page, and the accessibility statement
# (BITV 2.0): whom to write to about barriers, when it was last reviewed, the enforcement body.
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=300)
# Counts and rendered anonymous pages are kept per version of the register's data, so they are
# never served after a change; this only bounds how long an unused one takes memory.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=3600)
# Per worker process by default; CACHE_URL=redis://host:6379/1 shares one between the workers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
ACCESSIBILITY_CONTACT_EMAIL = env(
    "ACCESSIBILITY_CONTACT_EMAIL",
    default=env("DEFAULT_FROM_EMAIL", default="ki-register@localhost"),
)
ACCESSIBILITY_STATEMENT_DATE = env("ACCESSIBILITY_STATEMENT_DATE", default="2026-11-26")
ACCESSIBILITY_ENFORCEMENT_NAME = env(
    "ACCESSIBILITY_ENFORCEMENT_NAME",
    default="Schlichtungsstelle nach § 16 Behindertengleichstellungsgesetz (BGG)",
)
ACCESSIBILITY_ENFORCEMENT_URL = env(
    "ACCESSIBILITY_ENFORCEMENT_URL", default="https://www.schlichtungsstelle-bgg.de"
)

# guardian: no anonymous user; "public" is a property of the record, not a permission.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# The largest API request body; larger ones are refused with 413 before they are parsed.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON only: a form-encoded or multipart body is refused with 415, not half-understood.
    "DEFAULT_PARSER_CLASSES": ["registry.api.parsers.BoundedJSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "registry.api.pagination.CursorPagination",
    "DEFAULT_SCHEMA_CLASS": "registry.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "registry.api.problems.problem_exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "KI-Register API",
    "DESCRIPTION": (
        "Read and write the AI use cases of a municipality, follow their history, drive their "
        "review and receive change events. Errors are RFC 9457 problem documents "
        "(application/problem+json), German unless Accept-Language asks for English."
    ),
    "VERSION": "1.0.0",
    "LICENSE": {"name": "EUPL-1.2", "url": "https://joinup.ec.europa.eu/collection/eupl"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Ids in paths (registry.converters): integers a database can hold.
    "PATH_CONVERTER_OVERRIDES": {"id": {"type": "integer", "minimum": 0, "maximum": 10**18 - 1}},
    "COMPONENT_SPLIT_REQUEST": True,
    "COMPONENT_NO_READ_ONLY_REQUIRED": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "registry.api.schema.strict_request_bodies",
        "registry.api.schema.links_between_operations",
        "registry.api.schema.narrowable_representations",
    ],
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "registry.models.UseCase.AssessmentStatus",
        "UseCaseStatusEnum": "registry.models.UseCase.Status",
        "RiskClassEnum": "registry.models.UseCase.RiskClass",
        "OversightModeEnum": "registry.models.UseCase.OversightMode",
        "TechniqueEnum": "registry.models.AISystem.Technique",
        "HostingEnum": "registry.models.AISystem.Hosting",
        "LevelEnum": "registry.models.UseCase.Level",
        "WebhookEventEnum": "registry.models.WebhookEndpoint.Event",
        "ReviewerRoleEnum": "governance.workflow.REVIEWER_ROLE_CHOICES",
    },
    # Swagger UI and ReDoc from drf-spectacular-sidecar's static files: nothing from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Webhooks: receivers must speak HTTPS and live on public addresses unless listed here
# (tests deliver to http://127.0.0.1).
WEBHOOK_REQUIRE_HTTPS = env.bool("WEBHOOK_REQUIRE_HTTPS", default=True)
WEBHOOK_PRIVATE_HOSTS_ALLOWED = env.list("WEBHOOK_PRIVATE_HOSTS_ALLOWED", default=[])
WEBHOOK_TIMEOUT_SECONDS = env.float("WEBHOOK_TIMEOUT_SECONDS", default=10)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=8)
# Retries wait base × 2^(attempt − 1) seconds: 30 s, 1 min, 2 min … about an hour in all.
WEBHOOK_RETRY_BASE_SECONDS = env.float("WEBHOOK_RETRY_BASE_SECONDS", default=30)

REDIS_URL = env("REDIS_URL", default="")
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Without a broker (the local demo) tasks run in the calling process.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
# Production refuses to start with eager tasks (config/checks.py) unless this opts in: for a tiny
# installation, where a task's retries then give up instead of running in the request.
EAGER_TASKS_ALLOWED = env.bool("EAGER_TASKS_ALLOWED", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
# Daily at 06:30 local time: reminders of reviews due within 30 days and overdue ones.
CELERY_BEAT_SCHEDULE = {
    "send-review-reminders": {
        "task": "governance.tasks.send_review_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
}

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ki-register@localhost")
# The address mails link to (scheme, host and port of this installation).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step of a transparency report at INFO.
    "loggers": {"weasyprint.progress": {"level": "WARNING"}},
}

# Reverting from the history would write outside the services.
SIMPLE_HISTORY_REVERT_DISABLED = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Login through the municipality's identity provider (OpenID Connect); README, "Log in through
# your identity provider", explains each variable with examples for Keycloak, AD FS and Entra ID.
OIDC_PROVIDER_NAME = env("OIDC_PROVIDER_NAME", default="")
OIDC_OP_ISSUER = env("OIDC_OP_ISSUER", default="")
OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT", default="")
OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT", default="")
OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT", default="")
OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
OIDC_OP_LOGOUT_ENDPOINT = env("OIDC_OP_LOGOUT_ENDPOINT", default="")
OIDC_OP_INTROSPECTION_ENDPOINT = env("OIDC_OP_INTROSPECTION_ENDPOINT", default="")
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET", default="")
OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
OIDC_TOKEN_USE_BASIC_AUTH = env.bool("OIDC_TOKEN_USE_BASIC_AUTH", default=False)
OIDC_GROUPS_CLAIM = env("OIDC_GROUPS_CLAIM", default="groups")
# Where a provider serving several municipalities names a login's organisation(s) by AGS; an
# organisation's claim mapping rules then read only its own logins (accounts/claims.py).
OIDC_ORGANISATION_CLAIM = env("OIDC_ORGANISATION_CLAIM", default="")
OIDC_API_AUDIENCE = env("OIDC_API_AUDIENCE", default="")
OIDC_TIMEOUT = env.float("OIDC_TIMEOUT", default=10.0)
OIDC_VERIFY_SSL = env.bool("OIDC_VERIFY_SSL", default=True)
OIDC_PROXY = None
OIDC_CLOCK_SKEW_SECONDS = env.int("OIDC_CLOCK_SKEW_SECONDS", default=30)
OIDC_JWKS_CACHE_SECONDS = env.int("OIDC_JWKS_CACHE_SECONDS", default=3600)
OIDC_TOKEN_CACHE_SECONDS = env.int("OIDC_TOKEN_CACHE_SECONDS", default=60)
# After this many seconds the provider confirms an OIDC session again before it may change data.
OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS = env.int("OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS", default=15 * 60)
OIDC_AUTH_REQUEST_EXTRA_PARAMS: dict[str, str] = {}
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_STORE_ID_TOKEN = True
OIDC_CREATE_USER = True
OIDC_CALLBACK_CLASS = "accounts.oidc.LoginCallbackView"
OIDC_AUTHENTICATE_CLASS = "accounts.oidc.LoginStartView"
OIDC_OP_LOGOUT_URL_METHOD = "accounts.oidc.provider_logout_url"
AUTHENTICATION_BACKENDS = [
    "accounts.oidc.PasswordBackend",
    "accounts.oidc.IdentityProviderBackend",
    "guardian.backends.ObjectPermissionBackend",
]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
    "accounts.oidc.SessionLifetimeMiddleware",
)
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "accounts.authentication.BearerTokenAuthentication",
    *REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"],
]

# Content-Security-Policy (django-csp): scripts and styles only from this installation's static
# files, no inline code anywhere. The API docs (config/urls.py) get their own, looser policy;
# config.middleware adds the identity provider's origins to form-action (login and logout
# redirect there from a form).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
# Powerful browser features nobody here needs, refused for this site and anything it embeds.
PERMISSIONS_POLICY = env.str(
    "PERMISSIONS_POLICY",
    default=(
        "accelerometer=(), autoplay=(), camera=(), display-capture=(), encrypted-media=(), "
        "geolocation=(), gyroscope=(), magnetometer=(), microphone=(), midi=(), payment=(), "
        "picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), serial=(), "
        "usb=(), xr-spatial-tracking=()"
    ),
)

# Behind a reverse proxy: how many proxies in front of the application append the client's address
# to which header (Django's META name). 0: the address of the connection (REMOTE_ADDR) counts.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
CLIENT_IP_HEADER = env("CLIENT_IP_HEADER", default="HTTP_X_FORWARDED_FOR")

# Password login (and /admin/login/, which leads to it): after LOGIN_FAILURE_LIMIT wrong passwords
# for one user name from one address, that combination waits LOGIN_COOLOFF_MINUTES. The attempts
# live in the database, so every worker sees them.
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=10)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("LOGIN_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "accounts.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "config.client_ip.client_ip"
# Successful logins are not logged: only failures are needed to stop guessing.
AXES_DISABLE_ACCESS_LOG = True
# No start-up banner in every command's output; failures and lockouts are still logged.
AXES_VERBOSE = False

# Public forms that send a mail (the accessibility feedback): posts per client address and
# period (django-ratelimit, counted in the default cache: share it between workers with CACHE_URL).
PUBLIC_FORM_RATE = env("PUBLIC_FORM_RATE", default="5/h")
RATELIMIT_IP_META_KEY = "config.client_ip.client_ip"
