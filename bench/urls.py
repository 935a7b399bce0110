"""The project's addresses plus the floor views under /__bench__/ (bench.settings only)."""

from django.urls import path

from bench import instrumentation
from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    path("__bench__/constant/", instrumentation.constant, name="bench-constant"),
    path("__bench__/floor/<slug:name>/", instrumentation.floor, name="bench-floor"),
    *project_urlpatterns,
]
