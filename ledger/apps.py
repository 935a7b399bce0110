from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Prüfbares Änderungsprotokoll")

    def ready(self) -> None:
        from simple_history.signals import post_create_historical_record

        from ledger.services import enter_history_row, enter_history_rows
        from registry.history import history_rows_bulk_created

        # Every history row of every tracked model, whichever code wrote it, in its transaction.
        post_create_historical_record.connect(enter_history_row, dispatch_uid="ledger.enter_row")
        # ... and those registry.history.save_tracked_many wrote in bulk (which sends no
        # post_create_historical_record).
        history_rows_bulk_created.connect(enter_history_rows, dispatch_uid="ledger.enter_rows")
