from config import checks  # registers the installation's system checks
from config.celery import app as celery_app

__all__ = ("celery_app", "checks")
