from django.apps import AppConfig


class OperationsConfig(AppConfig):
    """Running the installation: health, request ids, metrics, deployment checks."""

    name = "operations"
    verbose_name = "Betrieb"

    def ready(self) -> None:
        # Celery's signals carry the request id into tasks and count their failures; connecting
        # them here makes both the web processes (publishing) and the workers (running) do it.
        from operations import task_signals

        task_signals.connect()
