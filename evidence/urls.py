from django.urls import path

from evidence import views

app_name = "evidence"

urlpatterns = [
    path("nachweise/<id:pk>/datei/", views.download, name="download"),
    path("nachweise/<id:pk>/versionen/<id:number>/datei/", views.download, name="download-version"),
    path("dokumente/<id:pk>/", views.public_download, name="public-download"),
]
