from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortfolioConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "portfolio"
    verbose_name = _("Auswahl und Wirkung")

    def ready(self) -> None:
        # load_demo (governance) sits below this app: it runs what the apps above hand it.
        from governance import demo_extensions
        from portfolio import demo

        demo_extensions.register(demo.load_portfolio_demo)
