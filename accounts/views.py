from django.conf import settings
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase


class LoginView(auth_views.LoginView):
    """The login page: password login only where the settings enable it."""

    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: object, **kwargs: object) -> HttpResponseBase:
        if request.method == "POST" and not settings.PASSWORD_LOGIN_ENABLED:
            return HttpResponse(status=403)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: object) -> dict[str, object]:
        context = super().get_context_data(**kwargs)
        context["password_login_enabled"] = settings.PASSWORD_LOGIN_ENABLED
        return context


class LogoutView(auth_views.LogoutView):
    pass
