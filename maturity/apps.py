from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MaturityConfig(AppConfig):
    name = "maturity"
    verbose_name = _("Standortbestimmung und Fahrplan")

    def ready(self) -> None:
        from governance import demo_extensions
        from maturity import demo

        demo_extensions.register(demo.load)
