from django.urls import path

from workspace import views

app_name = "workspace"

urlpatterns = [
    path("", views.index, name="index"),
    path("neu/", views.create, name="create"),
    path("fortsetzen/", views.resume, name="resume"),
    path("pruefungen/", views.inbox, name="inbox"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/schritt/<slug:slug>/", views.step, name="step"),
    path("<int:pk>/einreichen/", views.submit, name="submit"),
    path("<int:pk>/versionen/", views.history, name="history"),
    path("<int:pk>/votum/<slug:role>/", views.sign_off, name="sign_off"),
]
