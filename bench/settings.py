"""The benchmark's settings: production's, plus the bench app (data generator, instrumentation).

Only the benchmark loads this module (`make bench`, or DJANGO_SETTINGS_MODULE=bench.settings for
`manage.py generate_benchmark_data`); a real installation never does, because the floor views of
bench.instrumentation read any user's rows without a login. The defaults below make the production
settings serve plain HTTP on the loopback interface, which is all the benchmark's server needs.
"""

import os

os.environ.setdefault(
    "DJANGO_SECRET_KEY", "benchmark-only-secret-key-0123456789abcdefghijklmnopqrstuvwxyz"
)
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
os.environ.setdefault("DJANGO_SECURE_HSTS_SECONDS", "0")

from config.settings.production import *  # noqa: F403
from config.settings.production import INSTALLED_APPS, MIDDLEWARE

INSTALLED_APPS = [*INSTALLED_APPS, "bench"]
# Outermost, so that the count includes every query the other middleware runs.
MIDDLEWARE = ["bench.instrumentation.QueryCountMiddleware", *MIDDLEWARE]
ROOT_URLCONF = "bench.urls"
