"""`Authorization: Bearer <access token>` from the identity provider, for people and for systems.

JWT access tokens are checked here against the provider's keys (signature, iss, aud, exp); opaque
tokens are asked about at the provider's introspection endpoint (RFC 7662) when one is configured.
Either way the answer is cached for OIDC_TOKEN_CACHE_SECONDS at most, never past the token's expiry.
"""

import hashlib
import logging
import time
from typing import Any

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions, status
from rest_framework.request import Request

from accounts.models import ApiClient, User
from accounts.oidc import ProviderUnavailable, signing_key

logger = logging.getLogger(__name__)

# A refused token is remembered briefly so that a client retrying in a loop costs nothing.
REFUSAL_CACHE_SECONDS = 10
CLIENT_ID_CLAIMS = ("client_id", "azp", "appid")


class InvalidToken(Exception):
    """The token is not one this installation accepts; the message says why (for the log)."""


class ProviderUnreachable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "Der Anmeldedienst ist zurzeit nicht erreichbar."
    default_code = "identity_provider_unavailable"


def _validate_jwt(token: str) -> dict[str, Any]:
    try:
        key = signing_key(token)
        return jwt.decode(
            token,
            key,
            algorithms=[settings.OIDC_RP_SIGN_ALGO],
            audience=settings.OIDC_API_AUDIENCE,
            issuer=settings.OIDC_OP_ISSUER,
            options={"require": ["exp", "iss", "aud"]},
            leeway=settings.OIDC_CLOCK_SKEW_SECONDS,
        )
    except jwt.PyJWTError as exc:
        # Not only InvalidTokenError: an unknown key id raises InvalidKeyError, a sibling class.
        raise InvalidToken(str(exc)) from exc


def _introspect(token: str) -> dict[str, Any]:
    try:
        response = requests.post(
            settings.OIDC_OP_INTROSPECTION_ENDPOINT,
            data={"token": token, "token_type_hint": "access_token"},
            auth=(settings.OIDC_RP_CLIENT_ID, settings.OIDC_RP_CLIENT_SECRET),
            timeout=settings.OIDC_TIMEOUT,
            verify=settings.OIDC_VERIFY_SSL,
        )
        response.raise_for_status()
        claims: dict[str, Any] = response.json()
    except (requests.RequestException, ValueError) as exc:
        raise ProviderUnavailable(str(exc)) from exc
    if claims.get("active") is not True:
        raise InvalidToken("introspection: token is not active")
    if "iss" in claims and claims["iss"] != settings.OIDC_OP_ISSUER:
        raise InvalidToken("introspection: foreign issuer")
    audience = claims.get("aud")
    audiences = audience if isinstance(audience, list) else [audience] if audience else []
    if settings.OIDC_API_AUDIENCE and audiences and settings.OIDC_API_AUDIENCE not in audiences:
        raise InvalidToken("introspection: token is for another audience")
    return claims


def token_claims(token: str) -> dict[str, Any]:
    """The verified claims of an access token (raises InvalidToken or ProviderUnavailable)."""
    if token.count(".") == 2 and settings.OIDC_API_AUDIENCE and settings.OIDC_OP_JWKS_ENDPOINT:
        return _validate_jwt(token)
    if settings.OIDC_OP_INTROSPECTION_ENDPOINT:
        return _introspect(token)
    raise InvalidToken("neither a JWT for OIDC_API_AUDIENCE nor an introspection endpoint")


def user_for_claims(claims: dict[str, Any]) -> User:
    """The person the token was issued for, or else the API client it was issued to."""
    subject = claims.get("sub")
    if subject:
        person = User.objects.filter(
            oidc_issuer=settings.OIDC_OP_ISSUER,
            oidc_subject=subject,
            api_client__isnull=True,
            is_active=True,
        ).first()
        if person is not None:
            return person
    client_id = next((claims[name] for name in CLIENT_ID_CLAIMS if claims.get(name)), None)
    if client_id:
        api_client = (
            ApiClient.objects.filter(client_id=client_id, is_active=True)
            .select_related("service_user")
            .first()
        )
        if api_client is not None and api_client.service_user.is_active:
            return api_client.service_user
    raise InvalidToken(f"token names neither a known person nor an API client ({client_id!r})")


def _cache_key(token: str) -> str:
    return "oidc:token:" + hashlib.sha256(token.encode()).hexdigest()


def authenticate_token(token: str) -> User:
    """The user an access token stands for, from the cache when it was checked recently."""
    key = _cache_key(token)
    cached = cache.get(key)
    if cached == "refused":
        raise InvalidToken("refused recently")
    if cached is not None:
        user = User.objects.filter(pk=cached, is_active=True).first()
        if user is not None:
            return user
    try:
        claims = token_claims(token)
        user = user_for_claims(claims)
    except InvalidToken:
        cache.set(key, "refused", REFUSAL_CACHE_SECONDS)
        raise
    lifetime = settings.OIDC_TOKEN_CACHE_SECONDS
    if "exp" in claims:
        lifetime = min(lifetime, int(claims["exp"] - time.time()))
    if lifetime > 0:
        cache.set(key, user.pk, lifetime)
    return user


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """DRF authentication by an access token the municipality's identity provider issued."""

    keyword = "Bearer"
    www_authenticate_realm = "api"

    def authenticate(self, request: Request) -> tuple[User, str] | None:
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(
                _("Ungültiger Authorization-Header: erwartet wird „Bearer <Token>“.")
            )
        try:
            token = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(
                _("Das Token enthält ungültige Zeichen.")
            ) from exc
        try:
            user = authenticate_token(token)
        except InvalidToken as exc:
            logger.info("Bearer token refused: %s", exc)
            raise exceptions.AuthenticationFailed(
                _("Das Token ist ungültig, abgelaufen oder nicht für diese Anwendung ausgestellt.")
            ) from exc
        except ProviderUnavailable as exc:
            logger.error("Identity provider unreachable while checking a token: %s", exc)
            raise ProviderUnreachable(_("Der Anmeldedienst ist zurzeit nicht erreichbar.")) from exc
        return user, token

    def authenticate_header(self, request: Request) -> str:
        return f'{self.keyword} realm="{self.www_authenticate_realm}"'
