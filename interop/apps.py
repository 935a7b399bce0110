from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InteropConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "interop"
    verbose_name = _("Austausch mit anderen Registern")

    def ready(self) -> None:
        # load_demo (governance) sits below this app: it runs what the apps above hand it.
        from governance import demo_extensions
        from interop import demo

        demo_extensions.register(demo.load_provider_demo)
