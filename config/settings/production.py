"""Production: every secret from the environment, HTTPS only, password login off unless enabled."""

from config.settings.base import *  # noqa: F403
from config.settings.base import env

DEBUG = False
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    "evidence": EVIDENCE_STORAGE,
}
# Webhook receivers are reached over HTTPS only, whatever the environment says.
WEBHOOK_REQUIRE_HTTPS = True
# One JSON object per line unless LOG_FORMAT=text.
LOG_FORMAT = env("LOG_FORMAT", default="json")
LOGGING["handlers"] = {
    "console": {
        "class": "logging.StreamHandler",
        "filters": ["request_id"],
        "formatter": "json" if LOG_FORMAT == "json" else "text",
    }
}
