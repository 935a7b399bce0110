from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvidenceConfig(AppConfig):
    name = "evidence"
    verbose_name = _("Nachweise")

    def ready(self) -> None:
        from evidence import builtin_targets, selectors
        from registry.public.selectors import register_freshness_source

        builtin_targets.register_all()
        # The public page lists the documents the board published: their changes are its.
        register_freshness_source(selectors.published_documents_changed)
        register_freshness_source(selectors.published_documents_uploaded)
