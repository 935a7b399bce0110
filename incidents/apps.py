from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncidentsConfig(AppConfig):
    name = "incidents"
    verbose_name = _("Störungen und Widersprüche")

    def ready(self) -> None:
        from incidents import evidence_targets

        # Documents can be attached to incidents (evidence.targets).
        evidence_targets.register_all()
