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
    "evidence",
    "ledger",
    "governance",
    "maturity",
    "incidents",
    "workspace",
    "portfolio",
    "operations",
    "interop",
]

MIDDLEWARE = [
    # Before everything: the request id for every log line, the latency metric, and the probes
    # and the metrics scrape, answered before host names, sessions or the database are read.
    "operations.middleware.RequestIdMiddleware",
    "operations.middleware.OperationsEndpointsMiddleware",
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
                "registry.public.context.operator",
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
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # An unreachable database answers within seconds with the 503 page, not after TCP's minutes.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env.int(
        "DATABASE_CONNECT_TIMEOUT", default=3
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
# Password login exists only for the local demo and the first superuser; production turns it off.
PASSWORD_LOGIN_ENABLED = env.bool("PASSWORD_LOGIN_ENABLED", default=False)
LOGIN_URL = "accounts:login"
# After login each role starts at its task (workspace.views.landing) unless `next` says otherwise.
LOGIN_REDIRECT_URL = "workspace:landing"
LOGOUT_REDIRECT_URL = "/"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "de"
LANGUAGES = [("de", _("Deutsch")), ("en", _("Englisch"))]
# English dates as "1 December 2026" (config/formats/en/formats.py).
FORMAT_MODULE_PATH = ["config.formats"]
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

# Evidence documents (evidence/): a storage of their own, never under MEDIA_ROOT or any URL the
# web server serves; downloads go through the permission-checking view only. Any Django storage
# backend works, e.g. django-storages' "storages.backends.s3.S3Storage" for an S3-compatible
# store, configured by the EVIDENCE_S3_* variables (README, "Evidence documents").
EVIDENCE_STORAGE_BACKEND = env(
    "EVIDENCE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage"
)
if EVIDENCE_STORAGE_BACKEND == "django.core.files.storage.FileSystemStorage":
    EVIDENCE_STORAGE_OPTIONS: dict[str, object] = {
        "location": env.path("EVIDENCE_STORAGE_ROOT", default=BASE_DIR / "private" / "evidence"),
        # Owner-only files and directories: the web server's other users cannot read them.
        "file_permissions_mode": 0o600,
        "directory_permissions_mode": 0o700,
    }
else:
    EVIDENCE_STORAGE_OPTIONS = {
        "bucket_name": env("EVIDENCE_S3_BUCKET_NAME", default=""),
        "endpoint_url": env("EVIDENCE_S3_ENDPOINT_URL", default=None),
        "region_name": env("EVIDENCE_S3_REGION_NAME", default=None),
        "access_key": env("EVIDENCE_S3_ACCESS_KEY_ID", default=None),
        "secret_key": env("EVIDENCE_S3_SECRET_ACCESS_KEY", default=None),
        "location": env("EVIDENCE_S3_PREFIX", default=""),
        "default_acl": "private",
        "querystring_auth": True,
        "file_overwrite": False,
    }
EVIDENCE_STORAGE = {"BACKEND": EVIDENCE_STORAGE_BACKEND, "OPTIONS": EVIDENCE_STORAGE_OPTIONS}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    "evidence": EVIDENCE_STORAGE,
}
# The largest evidence document; larger uploads are refused before their body is read.
EVIDENCE_MAX_UPLOAD_BYTES = env.int("EVIDENCE_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
# evidence.uploads stops an oversized upload while it is read, before Django stores it.
FILE_UPLOAD_HANDLERS = [
    "evidence.uploads.BoundedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# The public register: how long shared caches may keep a page, and the accessibility statement
# (BITV 2.0): whom to write to about barriers, when it was last reviewed, the enforcement body.
PUBLIC_CACHE_MAX_AGE = env.int("PUBLIC_CACHE_MAX_AGE", default=300)
# Counts and rendered anonymous pages are kept per version of the register's data, so they are
# never served after a change; this only bounds how long an unused one takes memory.
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=3600)
# What the board's pages derive from an organisation's records (the dashboard's "Auswahl und
# Wirkung", the portfolio's ranking) is kept under the root of the organisation's internal change
# log (ledger.selectors.organisation_version), which every tracked change moves: never served
# after a change; this bounds how long an unused one takes memory (0: computed on every request).
ORGANISATION_CACHE_SECONDS = env.int("ORGANISATION_CACHE_SECONDS", default=3600)
# Per worker process by default; CACHE_URL=redis://host:6379/1 shares one between the workers.
CACHES = {"default": env.cache("CACHE_URL", default="locmemcache://")}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # While Redis is away a read is a miss and a write is dropped (operations/cache.py).
    CACHES["default"]["BACKEND"] = "operations.cache.ResilientRedisCache"
    CACHES["default"].setdefault("OPTIONS", {}).update(
        {"socket_connect_timeout": 1, "socket_timeout": 1}
    )
ACCESSIBILITY_CONTACT_EMAIL = env(
    "ACCESSIBILITY_CONTACT_EMAIL",
    default=env("DEFAULT_FROM_EMAIL", default="ki-register@localhost"),
)
ACCESSIBILITY_STATEMENT_DATE = env("ACCESSIBILITY_STATEMENT_DATE", default="2026-11-26")
ACCESSIBILITY_ENFORCEMENT_NAME = env(
    "ACCESSIBILITY_ENFORCEMENT_NAME",
    default="Schlichtungsstelle nach § 16 Behinderten\u00adgleichstellungs\u00adgesetz (BGG)",
)
ACCESSIBILITY_ENFORCEMENT_URL = env(
    "ACCESSIBILITY_ENFORCEMENT_URL", default="https://www.schlichtungsstelle-bgg.de"
)

# The installation's operator, shown on every public page, in the Impressum (§ 5 DDG), the
# Datenschutzerklärung (Art. 13 DSGVO) and the accessibility statement. IMPRINT_URL and
# PRIVACY_URL point the footer to the operator's own pages instead of the built-in ones.
OPERATOR_NAME = env("OPERATOR_NAME", default="")
OPERATOR_ADDRESS = env("OPERATOR_ADDRESS", default="")
OPERATOR_REPRESENTATIVE = env("OPERATOR_REPRESENTATIVE", default="")
OPERATOR_EMAIL = env("OPERATOR_EMAIL", default=ACCESSIBILITY_CONTACT_EMAIL)
OPERATOR_PHONE = env("OPERATOR_PHONE", default="")
DATA_PROTECTION_OFFICER_CONTACT = env("DATA_PROTECTION_OFFICER_CONTACT", default="")
DATA_PROTECTION_AUTHORITY_NAME = env(
    "DATA_PROTECTION_AUTHORITY_NAME",
    default="die Datenschutzaufsichtsbehörde Ihres Landes",
)
DATA_PROTECTION_AUTHORITY_URL = env(
    "DATA_PROTECTION_AUTHORITY_URL",
    default="https://www.datenschutzkonferenz-online.de/datenschutzaufsichtsbehoerden.html",
)
IMPRINT_URL = env("IMPRINT_URL", default="")
PRIVACY_URL = env("PRIVACY_URL", default="")

# guardian: no anonymous user; "public" is a property of the record, not a permission.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# From this day (ISO date) /api/v1/public/use-cases/ may be gone; its answers say so (Sunset).
PUBLIC_API_V1_SUNSET = env("PUBLIC_API_V1_SUNSET", default="2027-06-30")

# The largest API request body; larger ones are refused with 413 before they are parsed.
API_MAX_BODY_BYTES = env.int("API_MAX_BODY_BYTES", default=1024 * 1024)
# The largest multipart upload (a document and its form fields); checked before it is read.
API_MAX_UPLOAD_BYTES = EVIDENCE_MAX_UPLOAD_BYTES + 64 * 1024

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
    # Tags and operation ids from the path after the version (registry.api.schema.AutoSchema).
    "SCHEMA_PATH_PREFIX": r"/api/v[0-9]+",
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
        # The obligation items (AI Act and DPIA, staff council) and the engine's AI Act codes.
        "ObligationItemEnum": "governance.models.ObligationItem.Obligation",
        "AiActObligationEnum": "governance.risk.engine.OBLIGATIONS",
        "ObjectionOutcomeEnum": "incidents.models.Objection.Outcome",
        "OutcomeEnum": "governance.models.Decision.Outcome",
        # Each versioned schema names itself in its records (portfolio.opendata, maturity.api).
        "OutcomesSchemaVersionEnum": ["outcomes-1.0"],
        "MaturitySchemaVersionEnum": ["maturity-1.0"],
        "MaturityMeasureStatusEnum": "maturity.models.MaturityMeasure.Status",
        # Every history (a use case's, a measurement's) names its changes alike.
        "HistoryEntryChangeTypeEnum": "registry.api.history.HISTORY_CHANGE_TYPES",
        "PublicChangeChangeTypeEnum": "registry.api.history.PUBLIC_CHANGE_TYPES",
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
# A task whose worker died mid-way runs again (every task is idempotent); with acks late a
# worker takes one task at a time, so a lost worker strands no others.
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task taken by a worker that vanished (SIGKILL, a lost host) goes back to the queue after
# this many seconds; keep it above the longest task (report rendering).
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600)
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Daily at 06:30 local time: one digest per person of the reviews due within 30 days and overdue.
CELERY_BEAT_SCHEDULE = {
    "send-review-reminders": {
        "task": "governance.tasks.send_review_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # Every quarter of an hour: reporting deadlines of incidents (some run for only 2 days).
    "send-incident-reminders": {
        "task": "incidents.tasks.send_incident_reminders",
        "schedule": crontab(minute="*/15"),
    },
    # Nightly: objectors' personal data past the organisation's retention.
    "erase-objector-data": {
        "task": "incidents.tasks.erase_objector_data",
        "schedule": crontab(hour=2, minute=15),
    },
    # Every quarter of an hour: adopters hear of new versions of their sources (issue 18).
    "notify-adopters": {
        "task": "interop.tasks.notify_adopters",
        "schedule": crontab(minute="*/15"),
    },
    "sign-tree-heads": {
        "task": "ledger.tasks.sign_current_tree_heads",
        "schedule": crontab(minute=5),
    },
}

# The change log's Ed25519 key (PKCS#8 PEM): a file, or the PEM text itself (see README).
LEDGER_SIGNING_KEY_FILE = env("LEDGER_SIGNING_KEY_FILE", default="")
LEDGER_SIGNING_KEY = env("LEDGER_SIGNING_KEY", default="")

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="ki-register@localhost")
# The address mails link to (scheme, host and port of this installation).
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# GovData's contributor id of this installation (http://dcat-ap.de/def/contributors/…) for the
# DCAT-AP.de catalogue; GovData assigns it to whoever delivers metadata (interop/exports/dcat.py).
DCAT_CONTRIBUTOR_ID = env("DCAT_CONTRIBUTOR_ID", default="")
# The licence of the open data (/daten/, the register's JSON): one of the licences a use case may
# name (registry.models.UseCase.OpenDataLicence); the default is the one publication gives an
# entry without its own and the DCAT export names.
# (registry/public/opendata.py LICENCES; config/checks.py refuses any other).
OPEN_DATA_LICENCE = env("OPEN_DATA_LICENCE", default="dl-by-de/2.0")

# "json": one JSON object per line with the request id (production's default); "text" for people.
LOG_FORMAT = env("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "operations.requestid.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "operations.jsonlog.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    # WeasyPrint logs every layout step of a transparency report at INFO.
    "loggers": {
        "weasyprint.progress": {"level": "WARNING"},
        # One line per request (method, path, status, view, duration); gunicorn's access log is off.
        "operations.requests": {"level": env("REQUEST_LOG_LEVEL", default="INFO")},
    },
}
# The bearer token Prometheus sends to /metrics; empty: the metrics are not served.
METRICS_TOKEN = env("METRICS_TOKEN", default="")

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
