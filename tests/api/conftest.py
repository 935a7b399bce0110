"""API test helpers: a JSON client logged in as a persona."""

from typing import Any

import pytest
from django.test import Client

from accounts.models import User


class ApiClient:
    """Django's test client speaking JSON, with the headers the API cares about."""

    def __init__(self, user: User | None = None, language: str = "de") -> None:
        self.client = Client(HTTP_ACCEPT_LANGUAGE=language)
        if user is not None:
            self.client.force_login(user)

    def request(self, method: str, path: str, body: Any = None, **headers: str) -> Any:
        extra = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in headers.items()}
        kwargs: dict[str, Any] = {}
        if body is not None:
            kwargs = {"data": body, "content_type": "application/json"}
        return getattr(self.client, method.lower())(path, **kwargs, **extra)

    def get(self, path: str, **headers: str) -> Any:
        return self.request("GET", path, **headers)

    def post(self, path: str, body: Any = None, **headers: str) -> Any:
        return self.request("POST", path, {} if body is None else body, **headers)

    def patch(self, path: str, body: Any, **headers: str) -> Any:
        return self.request("PATCH", path, body, **headers)

    def put(self, path: str, body: Any, **headers: str) -> Any:
        return self.request("PUT", path, body, **headers)

    def delete(self, path: str, **headers: str) -> Any:
        return self.request("DELETE", path, **headers)


@pytest.fixture
def api_as():
    return ApiClient
