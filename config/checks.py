"""System checks of the installation as a whole (run by `manage.py check --deploy` and WSGI)."""

import datetime
from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _


@register("tasks", deploy=True)
def check_task_broker(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Production needs a broker: without one, tasks and their retries run in users' requests."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        if settings.EAGER_TASKS_ALLOWED:
            return []
    elif not settings.CELERY_BROKER_URL.startswith("memory://"):
        return []
    return [
        Error(
            _(
                "Kein Celery-Broker konfiguriert: REDIS_URL ist nicht gesetzt, Aufgaben "
                "(Webhooks, Mails, Berichte) liefen in der Anfrage der Nutzerinnen und Nutzer."
            ),
            hint=_(
                "Setzen Sie REDIS_URL (z. B. redis://127.0.0.1:6379/0) und starten Sie einen "
                "Celery-Worker; nur für eine sehr kleine Installation ausdrücklich "
                "EAGER_TASKS_ALLOWED=true."
            ),
            id="ki_register.E001",
        )
    ]


@register("caches", deploy=True)
def check_shared_cache(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Rate limits count in the default cache: one per process multiplies them by the workers."""
    backend = settings.CACHES["default"]["BACKEND"]
    if backend != "django.core.cache.backends.locmem.LocMemCache":
        return []
    return [
        Warning(
            _(
                "Der Cache ist je Prozess (CACHE_URL nicht gesetzt): Jeder Worker zählt die "
                "Grenzen öffentlicher Formulare für sich."
            ),
            hint=_("Setzen Sie CACHE_URL, z. B. redis://127.0.0.1:6379/1."),
            id="ki_register.W002",
        )
    ]


@register("open_data")
def check_open_data_licence(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The open data's licence must be one the register can name and link."""
    from registry.public.opendata import LICENCES  # apps are loaded when checks run

    if settings.OPEN_DATA_LICENCE in LICENCES:
        return []
    return [
        Error(
            _("OPEN_DATA_LICENCE nennt eine unbekannte Lizenz: %(value)s")
            % {"value": settings.OPEN_DATA_LICENCE},
            hint=_("Erlaubt sind: %(codes)s") % {"codes": ", ".join(LICENCES)},
            id="ki_register.E002",
        )
    ]


@register("api")
def check_public_api_sunset(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """The sunset of /api/v1/'s public records is a date its answers can name."""
    try:
        datetime.date.fromisoformat(settings.PUBLIC_API_V1_SUNSET)
    except ValueError:
        return [
            Error(
                _("PUBLIC_API_V1_SUNSET ist kein Datum: %(value)s")
                % {"value": settings.PUBLIC_API_V1_SUNSET},
                hint=_("Ein Datum wie 2027-06-30 angeben."),
                id="ki_register.E003",
            )
        ]
    return []


def refuse_to_start_without_broker() -> None:
    """Stop the WSGI application's start-up when the broker check fails."""
    errors = check_task_broker()
    if errors:
        raise ImproperlyConfigured(f"{errors[0].msg} {errors[0].hint}")
