"""Settings of the write benchmark (`python -m bench.write`): bench.settings plus a loopback
webhook receiver and a counted mail backend.

The webhook receiver of the benchmark listens on 127.0.0.1 over plain HTTP; production refuses
both (WEBHOOK_REQUIRE_HTTPS, the address check), so only this module allows them. Mails go to
files in KI_REGISTER_BENCH_MAIL_DIR (Django's file backend), where the benchmark counts them.
Like bench.settings, a real installation never loads this module.
"""

import os

from bench.settings import *  # noqa: F403

WEBHOOK_REQUIRE_HTTPS = False
WEBHOOK_PRIVATE_HOSTS_ALLOWED = ["127.0.0.1"]
# A receiver that does not answer must not hold a worker for long.
WEBHOOK_TIMEOUT_SECONDS = 5.0
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ.get(
    "KI_REGISTER_BENCH_MAIL_DIR",
    str(BASE_DIR / "bench-mail"),  # noqa: F405 - from base
)
