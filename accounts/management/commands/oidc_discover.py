"""Read an identity provider's discovery document and print the settings KI-Register needs.

    python manage.py oidc_discover https://login.example.de/realms/stadt
    python manage.py oidc_discover https://login.example.de/realms/stadt --check

The first form prints the OIDC_OP_* lines for the environment; `--check` compares them with the
running configuration and fails when an endpoint differs. Nothing is stored.
"""

from typing import Any

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

WELL_KNOWN = "/.well-known/openid-configuration"
# The discovery document's keys for the settings, in the order of README's table.
ENDPOINTS = {
    "OIDC_OP_AUTHORIZATION_ENDPOINT": "authorization_endpoint",
    "OIDC_OP_TOKEN_ENDPOINT": "token_endpoint",
    "OIDC_OP_USER_ENDPOINT": "userinfo_endpoint",
    "OIDC_OP_JWKS_ENDPOINT": "jwks_uri",
    "OIDC_OP_LOGOUT_ENDPOINT": "end_session_endpoint",
    "OIDC_OP_INTROSPECTION_ENDPOINT": "introspection_endpoint",
}
REQUIRED = ("authorization_endpoint", "token_endpoint", "jwks_uri")


def discover(issuer: str) -> dict[str, str]:
    """The settings for the provider at `issuer`, checked against what KI-Register relies on."""
    issuer = issuer.strip().rstrip("/")
    if not issuer.startswith(("https://", "http://")):
        raise CommandError(
            _("Der Aussteller (issuer) muss mit https:// (für Tests http://) beginnen.")
        )
    url = issuer + WELL_KNOWN
    try:
        response = requests.get(url, timeout=settings.OIDC_TIMEOUT, verify=settings.OIDC_VERIFY_SSL)
    except requests.RequestException as exc:
        raise CommandError(
            _("%(url)s ist nicht erreichbar: %(error)s") % {"url": url, "error": exc}
        ) from exc
    if response.status_code != 200:
        raise CommandError(
            _("%(url)s antwortet mit HTTP %(status)s; ist der Aussteller richtig?")
            % {"url": url, "status": response.status_code}
        )
    try:
        document = response.json()
    except ValueError as exc:
        raise CommandError(_("%(url)s liefert kein JSON.") % {"url": url}) from exc
    if not isinstance(document, dict):
        raise CommandError(_("%(url)s liefert kein JSON-Objekt.") % {"url": url})
    problems = []
    # OpenID Connect Discovery 1.0, section 4.3: the issuer must be exactly the one asked for.
    if document.get("issuer") != issuer:
        problems.append(
            _("issuer: Das Dokument nennt „%(found)s“, erwartet war „%(issuer)s“.")
            % {"found": document.get("issuer"), "issuer": issuer}
        )
    for key in REQUIRED:
        if not isinstance(document.get(key), str) or not document[key]:
            problems.append(_("%(key)s: fehlt im Dokument.") % {"key": key})
    if "code" not in document.get("response_types_supported", ["code"]):
        problems.append(_("response_types_supported: Der Code-Flow wird nicht angeboten."))
    if "S256" not in document.get("code_challenge_methods_supported", ["S256"]):
        problems.append(_("code_challenge_methods_supported: PKCE mit S256 fehlt."))
    if "RS256" not in document.get("id_token_signing_alg_values_supported", ["RS256"]):
        problems.append(_("id_token_signing_alg_values_supported: RS256 fehlt."))
    if problems:
        raise CommandError("\n".join([_("Der Anbieter passt nicht:"), *problems]))
    found = {"OIDC_OP_ISSUER": issuer}
    for setting, key in ENDPOINTS.items():
        value = document.get(key)
        found[setting] = value if isinstance(value, str) else ""
    return found


class Command(BaseCommand):
    help = _(
        "Liest das Discovery-Dokument eines Identitätsanbieters und gibt die OIDC_OP_*-"
        "Einstellungen aus (mit --check: vergleicht sie mit der laufenden Konfiguration)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("issuer", help=_("Der Aussteller (issuer) des Anbieters"))
        parser.add_argument(
            "--check",
            action="store_true",
            help=_("Mit der laufenden Konfiguration vergleichen, statt sie auszugeben"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        found = discover(options["issuer"])
        if not options["check"]:
            for setting, value in found.items():
                self.stdout.write(f"{setting}={value}")
            if not found["OIDC_OP_USER_ENDPOINT"]:
                self.stderr.write(
                    _(
                        "Hinweis: kein userinfo_endpoint; Namen und Gruppen kommen dann nur aus "
                        "dem ID-Token."
                    )
                )
            return
        differing = [
            setting
            for setting, value in found.items()
            if str(getattr(settings, setting, "") or "") != value
        ]
        if differing:
            raise CommandError(
                "\n".join(
                    [_("Diese Einstellungen weichen vom Anbieter ab:")]
                    + [
                        f"  {setting}: {getattr(settings, setting, '') or '–'} → "
                        f"{found[setting] or '–'}"
                        for setting in differing
                    ]
                )
            )
        self.stdout.write(_("Die Einstellungen stimmen mit dem Anbieter überein."))
