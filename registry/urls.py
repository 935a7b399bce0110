from registry.public.urls import urlpatterns as public_urlpatterns

app_name = "registry"

urlpatterns = [
    *public_urlpatterns,
]
