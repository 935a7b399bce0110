from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisationen und Konten")

    def ready(self) -> None:
        # Registers the OpenAPI description of the bearer-token authentication.
        from accounts import schema  # noqa: F401
