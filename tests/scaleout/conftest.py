"""The scale-out environment, started once for tests/scaleout/ (`make test-scaleout`).

These tests start real services and kill them; they run only when SCALEOUT=1 (the make target
sets it), not in the two parallel legs of the suite.
"""

import os
import re
from typing import Any

import pytest
import requests

from tests.scaleout.environment import Environment


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    if os.environ.get("SCALEOUT") == "1":
        return
    skip = pytest.mark.skip(reason="scale-out tests run in `make test-scaleout` (SCALEOUT=1)")
    for item in items:
        if "tests/scaleout/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def scaleout() -> Any:
    environment = Environment()
    try:
        environment.up()
        environment.manage("load_demo")
        yield environment
    finally:
        environment.down()


class Browser:
    """A visitor through nginx (TLS), or straight at one gunicorn instance with the same cookies."""

    def __init__(self, environment: Environment) -> None:
        self.environment = environment
        self.session = requests.Session()
        self.session.verify = str(environment.cert)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        # verify per request: REQUESTS_CA_BUNDLE in the environment would win over the session's.
        return self.session.get(
            self.environment.url + path, timeout=30, verify=str(self.environment.cert), **kwargs
        )

    def on(self, instance: str, method: str, path: str, **kwargs: Any) -> requests.Response:
        """The request nginx would pass to this instance: same host, HTTPS, cookies."""
        headers = {
            "Host": f"127.0.0.1:{self.environment.ports['https']}",
            "X-Forwarded-Proto": "https",
            "Referer": self.environment.url + "/",
            "Cookie": "; ".join(f"{c.name}={c.value}" for c in self.session.cookies),
            **kwargs.pop("headers", {}),
        }
        response = requests.request(
            method,
            self.environment.instance_url(instance) + path,
            headers=headers,
            timeout=30,
            allow_redirects=False,
            **kwargs,
        )
        for name, value in response.cookies.items():
            self.session.cookies.set(name, value, domain="127.0.0.1", path="/")
        return response

    def csrf_token(self) -> str:
        return str(
            self.session.cookies.get("csrftoken", domain="127.0.0.1")
            or self.session.cookies.get("csrftoken")
        )


def form_token(html: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert match, "the form carries a CSRF token"
    return match.group(1)


@pytest.fixture
def member(scaleout: Environment) -> Browser:
    return Browser(scaleout)


def log_in(
    browser: Browser, username: str, *, form_from: str = "web1", post_to: str = "web2"
) -> None:
    page = browser.on(form_from, "GET", "/konto/anmelden/")
    assert page.status_code == 200
    response = browser.on(
        post_to,
        "POST",
        "/konto/anmelden/",
        data={
            "username": username,
            "password": "demo",
            "csrfmiddlewaretoken": form_token(page.text),
        },
    )
    assert response.status_code == 302, response.text[:500]
