"""What `manage.py check_deployment` reports: each problem in German, with what to set.

These are the installation's own rules, beside Django's `check --deploy` (which it also runs).
"""

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

ERROR = "FEHLER"
WARNING = "WARNUNG"


@dataclass(frozen=True)
class Problem:
    level: str
    code: str
    message: str
    hint: str


def _writable(path: Path) -> bool:
    return path.is_dir() and os.access(path, os.W_OK)


def _secrets() -> Iterator[Problem]:
    key = settings.SECRET_KEY
    if len(key) < 50 or len(set(key)) < 5 or key.startswith("django-insecure"):
        yield Problem(
            ERROR,
            "D001",
            _("Der geheime Schlüssel ist zu kurz oder unsicher."),
            _(
                "Setzen Sie DJANGO_SECRET_KEY auf mindestens 50 zufällige Zeichen, z. B. "
                "python -c 'import secrets; print(secrets.token_urlsafe(64))'."
            ),
        )
    if settings.DEBUG:
        yield Problem(
            ERROR,
            "D002",
            _("Der Debug-Modus ist eingeschaltet: Fehlerseiten zeigen Interna."),
            _("Setzen Sie DJANGO_DEBUG=false (oder entfernen Sie die Variable)."),
        )
    if not settings.ALLOWED_HOSTS or "*" in settings.ALLOWED_HOSTS:
        yield Problem(
            ERROR,
            "D003",
            _("Die erlaubten Host-Namen sind nicht festgelegt."),
            _("Setzen Sie DJANGO_ALLOWED_HOSTS, z. B. ki-register.kommune.de."),
        )


def _services() -> Iterator[Problem]:
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        yield Problem(
            ERROR,
            "D010",
            _("Die Datenbank ist nicht PostgreSQL."),
            _(
                "Setzen Sie DATABASE_URL, z. B. "
                "postgres://ki_register:…@db.intern:5432/ki_register."
            ),
        )
    if settings.CELERY_TASK_ALWAYS_EAGER and not settings.EAGER_TASKS_ALLOWED:
        yield Problem(
            ERROR,
            "D011",
            _("Kein Celery-Broker: Aufgaben liefen in den Anfragen der Nutzerinnen und Nutzer."),
            _(
                "Setzen Sie REDIS_URL, z. B. redis://redis.intern:6379/0, und starten Sie Worker "
                "und Beat."
            ),
        )
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith("LocMemCache"):
        yield Problem(
            WARNING,
            "D012",
            _("Der Cache ist je Prozess: Sitzungsgrenzen und Seiten-Cache gelten nicht gemeinsam."),
            _("Setzen Sie CACHE_URL, z. B. redis://redis.intern:6379/1."),
        )
    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and settings.EMAIL_HOST == "localhost":
        yield Problem(
            WARNING,
            "D013",
            _("Mails gehen an einen Mailserver auf diesem Rechner (EMAIL_HOST=localhost)."),
            _("Setzen Sie EMAIL_HOST und EMAIL_PORT auf das Mail-Relay Ihres Rechenzentrums."),
        )
    if "127.0.0.1" in settings.SITE_URL or "localhost" in settings.SITE_URL:
        yield Problem(
            WARNING,
            "D014",
            _("Links in Mails zeigen auf diesen Rechner (SITE_URL)."),
            _(
                "Setzen Sie SITE_URL auf die öffentliche Adresse, z. B. "
                "https://ki-register.kommune.de."
            ),
        )


def _login() -> Iterator[Problem]:
    if not settings.OIDC_OP_ISSUER and not settings.PASSWORD_LOGIN_ENABLED:
        yield Problem(
            ERROR,
            "D020",
            _("Niemand kann sich anmelden: weder Identitätsanbieter noch Passwort-Anmeldung."),
            _(
                "Setzen Sie OIDC_OP_ISSUER und die übrigen OIDC_*-Variablen (manage.py "
                "oidc_discover)."
            ),
        )
    if settings.PASSWORD_LOGIN_ENABLED:
        yield Problem(
            WARNING,
            "D021",
            _("Die Anmeldung mit Passwort ist eingeschaltet."),
            _(
                "Setzen Sie PASSWORD_LOGIN_ENABLED=false, sobald der Identitätsanbieter "
                "eingerichtet ist."
            ),
        )


def _operations() -> Iterator[Problem]:
    if not settings.METRICS_TOKEN:
        yield Problem(
            WARNING,
            "D030",
            _("Die Metriken unter /metrics sind abgeschaltet."),
            _(
                "Setzen Sie METRICS_TOKEN auf ein zufälliges Geheimnis und tragen Sie es in "
                "Prometheus ein."
            ),
        )
    multiproc = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if multiproc and not _writable(Path(multiproc)):
        yield Problem(
            ERROR,
            "D031",
            _("Das Verzeichnis für die Metriken der Prozesse ist nicht beschreibbar."),
            _(
                "Legen Sie PROMETHEUS_MULTIPROC_DIR als beschreibbares Verzeichnis an "
                "(deploy/entrypoint.sh tut das)."
            ),
        )
    if not _writable(Path(settings.MEDIA_ROOT)):
        yield Problem(
            ERROR,
            "D032",
            _("Das Verzeichnis für Berichte und Dateien ist nicht beschreibbar."),
            _(
                "Setzen Sie DJANGO_MEDIA_ROOT auf ein beschreibbares Verzeichnis, z. B. "
                "/var/lib/ki-register/media."
            ),
        )
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    uses_manifest = "Manifest" in settings.STORAGES["staticfiles"]["BACKEND"]
    if uses_manifest and not manifest.is_file():
        yield Problem(
            ERROR,
            "D033",
            _("Die statischen Dateien sind nicht gesammelt."),
            _("Führen Sie deploy/entrypoint.sh collectstatic aus (manage.py collectstatic)."),
        )
    if settings.TRUSTED_PROXY_COUNT == 0:
        yield Problem(
            WARNING,
            "D034",
            _(
                "Die Adresse des Clients wird nicht aus dem Proxy-Header gelesen: Sperren gelten "
                "für den Proxy."
            ),
            _(
                "Setzen Sie hinter nginx TRUSTED_PROXY_COUNT=1 "
                "(deploy/nginx/ki-register.conf.template setzt X-Forwarded-For)."
            ),
        )


def _change_log() -> Iterator[Problem]:
    # Only the settings are read here: the key itself is the ledger's (ledger.signing), which
    # reports a malformed one when it signs.
    key_file = settings.LEDGER_SIGNING_KEY_FILE
    if key_file and not (Path(key_file).is_file() and os.access(key_file, os.R_OK)):
        yield Problem(
            ERROR,
            "D041",
            _("Die Schlüsseldatei des Änderungsprotokolls ist nicht lesbar."),
            _(
                "Setzen Sie LEDGER_SIGNING_KEY_FILE auf eine lesbare Datei, die "
                "manage.py create_signing_key geschrieben hat."
            ),
        )
    elif not key_file and not settings.LEDGER_SIGNING_KEY:
        yield Problem(
            WARNING,
            "D040",
            _(
                "Kein Signaturschlüssel für das Änderungsprotokoll: Die Baumköpfe werden nicht "
                "signiert, Dritte können das Protokoll nicht prüfen."
            ),
            _(
                "Erzeugen Sie einen Schlüssel mit manage.py create_signing_key "
                "/etc/ki-register/ledger.pem und setzen Sie "
                "LEDGER_SIGNING_KEY_FILE=/etc/ki-register/ledger.pem (oder LEDGER_SIGNING_KEY "
                "mit dem PEM-Text)."
            ),
        )


RULES: tuple[Callable[[], Iterator[Problem]], ...] = (
    _secrets,
    _services,
    _login,
    _operations,
    _change_log,
)


def problems() -> list[Problem]:
    """Every problem of the running configuration, errors first."""
    found = [problem for rule in RULES for problem in rule()]
    return sorted(found, key=lambda problem: (problem.level != ERROR, problem.code))
