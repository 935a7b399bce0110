"""The project's addresses plus the floor views under /__bench__/ (bench.settings only)."""

from django.urls import path

from bench import instrumentation, write_floor
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("__bench__/constant/", instrumentation.constant, name="bench-constant"),
    path("__bench__/floor/<slug:name>/", instrumentation.floor, name="bench-floor"),
    path(
        "__bench__/persona-floor/full-read/",
        instrumentation.persona_full_read,
        name="bench-persona-full-read",
    ),
    path(
        "__bench__/persona-floor/<slug:name>/",
        instrumentation.persona_floor,
        name="bench-persona-floor",
    ),
    path("__bench__/write-floor/", write_floor.write_floor, name="bench-write-floor"),
    *project_urlpatterns,
]
