"""The WSGI entry point serves the project and keeps its start-up objects out of the GC's scans."""

import gc
import importlib


def test_the_wsgi_module_freezes_what_it_loaded():
    before = gc.get_freeze_count()
    wsgi = importlib.import_module("config.wsgi")
    importlib.reload(wsgi)
    try:
        assert callable(wsgi.application)
        assert gc.get_freeze_count() > before
    finally:
        gc.unfreeze()
