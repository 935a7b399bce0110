from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.views import View

from accounts.oidc import logout_everywhere, oidc_enabled


class LoginView(auth_views.LoginView):
    """The login page: the identity provider's button, and password login where enabled."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if request.method == "POST" and not settings.PASSWORD_LOGIN_ENABLED:
            return HttpResponse(status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["password_login_enabled"] = settings.PASSWORD_LOGIN_ENABLED
        context["oidc_enabled"] = oidc_enabled()
        context["provider_name"] = settings.OIDC_PROVIDER_NAME
        return context


class LogoutView(View):
    """Ends the session here and, where the provider offers it, at the provider too."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        return logout_everywhere(request)


def login_locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict[str, Any] | None = None,
) -> HttpResponse:
    """django-axes' answer to a locked-out password login: 429 with a page saying how long."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    response = render(
        request,
        "accounts/login_locked.html",
        {"minutes": minutes, "oidc_enabled": oidc_enabled()},
        status=429,
    )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response
