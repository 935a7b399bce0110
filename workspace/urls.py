from django.urls import path

from workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.index, name="index"),
    path("neu/", views.create, name="create"),
    path("fortsetzen/", views.resume, name="resume"),
    path("pruefungen/", views.inbox, name="inbox"),
    path("<id:pk>/", views.detail, name="detail"),
    path("<id:pk>/schritt/<slug:slug>/", views.step, name="step"),
    path("<id:pk>/einreichen/", views.submit, name="submit"),
    path("<id:pk>/versionen/", views.history, name="history"),
    path("<id:pk>/votum/<slug:role>/", views.sign_off, name="sign_off"),
]
