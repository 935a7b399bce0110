"""Login through the municipality's identity provider (OpenID Connect, via mozilla-django-oidc).

People are known by issuer + subject, never by e-mail; their memberships follow the provider's
claims at every login. The provider's signing keys are fetched once and cached.
"""

import hashlib
import logging
import re
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from axes.backends import AxesBackend
from django.conf import settings
from django.contrib import auth, messages
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render, resolve_url
from django.urls import reverse
from django.utils.crypto import get_random_string
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.utils import (
    add_state_and_verifier_and_nonce_to_session,
    generate_code_challenge,
)
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from accounts.models import User
from accounts.services import sync_memberships_from_claims

logger = logging.getLogger(__name__)

AUTHENTICATED_AT = "authenticated_at"
OIDC_BACKEND = "accounts.oidc.IdentityProviderBackend"


class ProviderUnavailable(Exception):
    """The identity provider did not answer, or answered with an error."""


def _http_get(url: str, **kwargs: Any) -> requests.Response:
    return requests.get(
        url,
        timeout=settings.OIDC_TIMEOUT,
        verify=settings.OIDC_VERIFY_SSL,
        proxies=settings.OIDC_PROXY,
        **kwargs,
    )


def provider_keys(*, refresh: bool = False) -> dict[str, Any]:
    """The provider's JWKS, cached; a refresh is allowed at most once a minute (key rollover)."""
    cache_key = "oidc:jwks:" + hashlib.sha256(settings.OIDC_OP_JWKS_ENDPOINT.encode()).hexdigest()
    cached: dict[str, Any] | None = cache.get(cache_key)
    if cached is not None and not (refresh and cache.add(cache_key + ":refreshed", True, 60)):
        return cached
    try:
        response = _http_get(settings.OIDC_OP_JWKS_ENDPOINT)
        response.raise_for_status()
        jwks: dict[str, Any] = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(str(exc)) from exc
    cache.set(cache_key, jwks, settings.OIDC_JWKS_CACHE_SECONDS)
    return jwks


def signing_key(token: str) -> jwt.PyJWK:
    """The provider's key that signed the token, by kid and algorithm (raises InvalidTokenError)."""
    header = jwt.get_unverified_header(token)
    if header.get("alg") != settings.OIDC_RP_SIGN_ALGO:
        raise jwt.InvalidAlgorithmError(f"unexpected algorithm {header.get('alg')!r}")
    for refresh in (False, True):
        for key in provider_keys(refresh=refresh).get("keys", []):
            if key.get("kid") != header.get("kid") or key.get("use", "sig") != "sig":
                continue
            if "alg" in key and key["alg"] != header["alg"]:
                continue
            return jwt.PyJWK(key, algorithm=header["alg"])
    raise jwt.InvalidKeyError("no key of the provider matches the token's kid")


def oidc_enabled() -> bool:
    return bool(settings.OIDC_RP_CLIENT_ID and settings.OIDC_OP_AUTHORIZATION_ENDPOINT)


def _username_for(claims: dict[str, Any]) -> str:
    # Readable for the board, unique by construction: two identities never share a username.
    base = str(claims.get("preferred_username") or claims.get("email") or "person")
    base = re.sub(r"[^\w.@+-]", "-", base.split("@")[0])[:100] or "person"
    digest = hashlib.sha256(f"{settings.OIDC_OP_ISSUER}\n{claims['sub']}".encode()).hexdigest()
    return f"{base}-{digest[:10]}"


class IdentityProviderBackend(OIDCAuthenticationBackend):
    """Authorization-code login; the user is found by issuer + subject and claims set the roles."""

    def _verify_jws(self, payload: str, key: Any) -> dict[str, Any]:
        # The library leaves out audience and issuer; an ID token for another client is refused.
        try:
            claims: dict[str, Any] = jwt.decode(
                payload,
                key,
                algorithms=[settings.OIDC_RP_SIGN_ALGO],
                audience=settings.OIDC_RP_CLIENT_ID,
                issuer=settings.OIDC_OP_ISSUER,
                options={"require": ["exp", "iat", "sub"]},
                leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
            )
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(f"ID token rejected: {exc}") from exc
        return claims

    def retrieve_matching_jwk(self, token: str) -> jwt.PyJWK:
        try:
            return signing_key(token)
        except jwt.InvalidTokenError as exc:
            raise SuspiciousOperation(str(exc)) from exc

    def authenticate(self, request: HttpRequest | None, **kwargs: Any) -> User | None:
        self.id_token_claims: dict[str, Any] = {}
        user: User | None = super().authenticate(request, **kwargs)
        return user

    def verify_token(self, token: str, **kwargs: Any) -> dict[str, Any]:
        payload: dict[str, Any] = super().verify_token(token, **kwargs)
        self.id_token_claims = payload
        return payload

    def get_userinfo(self, access_token: str, id_token: str, payload: Any) -> dict[str, Any]:
        userinfo = super().get_userinfo(access_token, id_token, payload)
        id_claims = payload or {}
        # OIDC Core 5.3.2: userinfo about anyone else than the ID token's subject is discarded.
        if id_claims and userinfo.get("sub") != id_claims.get("sub"):
            raise SuspiciousOperation("userinfo subject differs from the ID token's")
        # AD FS and Entra ID put groups and roles into the ID token only; userinfo wins conflicts.
        return {**id_claims, **userinfo}

    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return bool(claims.get("sub"))

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return User.objects.filter(
            oidc_issuer=settings.OIDC_OP_ISSUER, oidc_subject=claims["sub"], api_client__isnull=True
        )

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> User | None:
        # All or nothing: a failure while mapping claims leaves no half-created account.
        try:
            with transaction.atomic():
                user: User | None = super().get_or_create_user(access_token, id_token, payload)
                return user
        except ValidationError as exc:
            raise SuspiciousOperation(f"claims do not make a valid account: {exc}") from exc

    def create_user(self, claims: dict[str, Any]) -> User:
        user = User(
            username=_username_for(claims),
            oidc_issuer=settings.OIDC_OP_ISSUER,
            oidc_subject=claims["sub"],
        )
        user.set_unusable_password()
        return self.update_user(user, claims)

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        # The provider owns name and e-mail; a changed address follows, it never identifies.
        user.email = str(claims.get("email") or "")[:254]
        user.first_name = str(claims.get("given_name") or "")[:150]
        user.last_name = str(claims.get("family_name") or claims.get("name") or "")[:150]
        user.full_clean(exclude=["password"])
        user.save()
        sync_memberships_from_claims(
            user, claims=claims, default_claim_path=settings.OIDC_GROUPS_CLAIM
        )
        return user


class PasswordBackend(AxesBackend):
    """Django's password login, answering only where PASSWORD_LOGIN_ENABLED says so.

    django-axes refuses a user name and address that failed too often (AXES_* settings) before
    the password is even checked; logins through the provider are not counted against.
    """

    def authenticate(self, request: HttpRequest | None, *args: Any, **kwargs: Any) -> Any:
        if not settings.PASSWORD_LOGIN_ENABLED:
            return None
        # Without a request (Django's test client login) there is no address to lock out.
        if request is not None:
            super().authenticate(request, *args, **kwargs)
        return ModelBackend.authenticate(self, request, *args, **kwargs)


def _error_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(
        request,
        "accounts/login_failed.html",
        {"message": message, "password_login_enabled": settings.PASSWORD_LOGIN_ENABLED},
        status=status,
    )


def _unavailable(request: HttpRequest) -> HttpResponse:
    return _error_page(
        request,
        _(
            "Der Anmeldedienst Ihrer Verwaltung ist zurzeit nicht erreichbar. Bitte versuchen Sie "
            "es in einigen Minuten erneut; besteht die Störung weiter, wenden Sie sich an Ihre IT."
        ),
        503,
    )


class LoginStartView(OIDCAuthenticationRequestView):
    """Sends the browser to the provider, unless the provider is known to be down."""

    def get(self, request: HttpRequest) -> HttpResponse:
        if not oidc_enabled():
            return _error_page(
                request,
                _("Die Anmeldung über einen Identitätsanbieter ist nicht eingerichtet."),
                404,
            )
        try:
            provider_keys()
        except ProviderUnavailable as exc:
            logger.error("OIDC provider unreachable before login: %s", exc)
            return _unavailable(request)
        response: HttpResponse = super().get(request)
        return response

    def get_extra_params(self, request: HttpRequest) -> dict[str, Any]:
        return dict(settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS)


class LoginCallbackView(OIDCAuthenticationCallbackView):
    """The provider's answer: a clear page when it failed, never a half-created account."""

    def get(self, request: HttpRequest) -> HttpResponse:
        try:
            response: HttpResponse = super().get(request)
        except requests.RequestException as exc:
            logger.error("OIDC provider failed during login: %s", exc)
            return _unavailable(request)
        except SuspiciousOperation as exc:
            logger.warning("OIDC login refused: %s", exc)
            return self.login_failure()
        return response

    def login_failure(self) -> HttpResponse:
        error = self.request.GET.get("error")
        if error:
            logger.info(
                "OIDC provider returned %s: %s", error, self.request.GET.get("error_description")
            )
        if error in {"login_required", "interaction_required", "consent_required"}:
            # A silent confirmation found no session at the provider: an ordinary new login.
            messages.info(self.request, _("Bitte melden Sie sich erneut an."))
            return HttpResponseRedirect(resolve_url(settings.LOGIN_URL))
        return _error_page(
            self.request,
            _(
                "Die Anmeldung ist fehlgeschlagen. Bitte starten Sie sie erneut; ein Link aus "
                "einem alten Browserfenster ist nicht mehr gültig."
            ),
            400,
        )

    def login_success(self) -> HttpResponse:
        response: HttpResponse = super().login_success()
        # A silent confirmation does not extend the session's bounded lifetime.
        self.request.session.setdefault(AUTHENTICATED_AT, time.time())
        return response


def provider_logout_url(request: HttpRequest) -> str:
    """Where the browser goes after logout: the provider's end-session endpoint when it has one."""
    after = request.build_absolute_uri(resolve_url(settings.LOGOUT_REDIRECT_URL))
    endpoint = settings.OIDC_OP_LOGOUT_ENDPOINT
    id_token = request.session.get("oidc_id_token")
    if not endpoint or not id_token:
        return resolve_url(settings.LOGOUT_REDIRECT_URL)
    params = {
        "id_token_hint": id_token,
        "post_logout_redirect_uri": after,
        "client_id": settings.OIDC_RP_CLIENT_ID,
    }
    return f"{endpoint}?{urlencode(params)}"


def logout_everywhere(request: HttpRequest) -> HttpResponseRedirect:
    """End the session here and send the browser on to end it at the provider."""
    target = provider_logout_url(request)
    auth.logout(request)
    return HttpResponseRedirect(target)


def _is_oidc_session(request: HttpRequest) -> bool:
    return request.session.get(auth.BACKEND_SESSION_KEY) == OIDC_BACKEND


class SessionLifetimeMiddleware:
    """Bounds every session, and lets an OIDC session change data only while freshly confirmed.

    A session ends SESSION_COOKIE_AGE seconds after login however active it is. After
    OIDC_RENEW_ID_TOKEN_EXPIRY_SECONDS the provider confirms the person again: a page view is sent
    through a silent login (prompt=none, which also brings roles up to date); a write is refused.
    """

    SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.check(request)
        return response if response is not None else self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        if not request.user.is_authenticated:
            return None
        now = time.time()
        started = request.session.setdefault(AUTHENTICATED_AT, now)
        if now - started > settings.SESSION_COOKIE_AGE:
            auth.logout(request)
            return self.reject(
                request, _("Ihre Sitzung ist abgelaufen. Bitte melden Sie sich neu an.")
            )
        if not _is_oidc_session(request) or request.path.startswith(self.exempt_prefixes()):
            return None
        if request.session.get("oidc_id_token_expiration", 0) > now:
            return None
        if request.method in self.SAFE_METHODS and not request.path.startswith("/api/"):
            return self.silent_login(request)
        return self.reject(
            request, _("Ihre Anmeldung muss bestätigt werden. Bitte melden Sie sich erneut an.")
        )

    @staticmethod
    def exempt_prefixes() -> tuple[str, ...]:
        return (
            reverse("oidc_authentication_callback"),
            reverse("oidc_authentication_init"),
            reverse("oidc_logout"),
            reverse("accounts:logout"),
            reverse("accounts:login"),
        )

    @staticmethod
    def reject(request: HttpRequest, message: str) -> HttpResponse:
        if request.path.startswith("/api/") or request.headers.get("x-requested-with"):
            return JsonResponse({"detail": message}, status=401)
        messages.warning(request, message)
        login = resolve_url(settings.LOGIN_URL)
        return HttpResponseRedirect(f"{login}?{urlencode({'next': request.get_full_path()})}")

    @staticmethod
    def silent_login(request: HttpRequest) -> HttpResponse:
        state = get_random_string(32)
        params = {
            "response_type": "code",
            "client_id": settings.OIDC_RP_CLIENT_ID,
            "redirect_uri": request.build_absolute_uri(reverse("oidc_authentication_callback")),
            "state": state,
            "scope": settings.OIDC_RP_SCOPES,
            "prompt": "none",
            "nonce": get_random_string(32),
            **settings.OIDC_AUTH_REQUEST_EXTRA_PARAMS,
        }
        verifier = get_random_string(64)
        params["code_challenge"] = generate_code_challenge(verifier, "S256")
        params["code_challenge_method"] = "S256"
        add_state_and_verifier_and_nonce_to_session(request, state, params, verifier)
        request.session["oidc_login_next"] = request.get_full_path()
        return HttpResponseRedirect(
            f"{settings.OIDC_OP_AUTHORIZATION_ENDPOINT}?{urlencode(params)}"
        )
