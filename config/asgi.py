import os

from django.core.asgi import get_asgi_application

from config.checks import refuse_to_start_without_broker

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

application = get_asgi_application()
refuse_to_start_without_broker()
