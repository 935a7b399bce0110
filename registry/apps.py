from django.apps import AppConfig
from django.urls import register_converter
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = _("KI-Register")

    def ready(self) -> None:
        from registry.converters import IdConverter

        # Before any URL configuration is read: every app's addresses take ids as <id:…>.
        register_converter(IdConverter, "id")
