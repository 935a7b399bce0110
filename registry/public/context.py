"""The installation's operator for every template: whose register this is and how to reach them."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def operator(request: HttpRequest) -> dict[str, Any]:
    """The operator's name, address, contact and legal pages, and whether passwords log in."""
    return {
        "operator": {
            "name": settings.OPERATOR_NAME,
            "address": settings.OPERATOR_ADDRESS,
            "representative": settings.OPERATOR_REPRESENTATIVE,
            "email": settings.OPERATOR_EMAIL,
            "phone": settings.OPERATOR_PHONE,
            "imprint_url": settings.IMPRINT_URL,
            "privacy_url": settings.PRIVACY_URL,
        },
        # Where logins come from the identity provider, nobody changes a password here.
        "password_login_enabled": settings.PASSWORD_LOGIN_ENABLED,
    }
