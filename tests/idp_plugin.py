"""A real OpenID Connect provider (npm oidc-provider, tests/idp/) for tests, and its login.

Fixtures:
- `idp`: the provider for the `live_server` (browser tests); Django's settings point at it.
- `idp_for_client`: the same for Django's test client (redirects to http://testserver).
Both start with the accounts of TEST_ACCOUNTS; `idp.add_account(...)` and `idp.set_claims(...)`
change them at any time, the provider reads them at every login.
`login_via_idp(page, live_server, username)` logs a test account in through the provider's form.
"""

import base64
import json
import shutil
import socket
import subprocess
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urljoin, urlparse

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import rsa

from tests.conftest import skip_or_fail

IDP_DIR = Path(__file__).parent / "idp"
API_AUDIENCE = "urn:ki-register:api"
OTHER_AUDIENCE = "urn:other-application:api"
WEB_CLIENT_ID = "ki-register"
WEB_CLIENT_SECRET = "ki-register-test-secret"
# A system with the client-credentials grant, and one the installation does not know.
SYSTEM_CLIENT_ID = "fachverfahren-wohngeld"
SYSTEM_CLIENT_SECRET = "fachverfahren-test-secret"
UNKNOWN_SYSTEM_CLIENT_ID = "unbekanntes-system"

# Test accounts: username -> claims (plus an optional password for the form).
TEST_ACCOUNTS: dict[str, dict[str, Any]] = {
    "gremium": {
        "sub": "f3b9c1e2-0001",
        "email": "gremium@lindenfeld.example",
        "email_verified": True,
        "given_name": "Greta",
        "family_name": "Gremium",
        "preferred_username": "gremium",
        "groups": ["ki-gremium"],
    },
    "amtsleitung": {
        "sub": "f3b9c1e2-0002",
        "email": "amtsleitung@lindenfeld.example",
        "given_name": "Anton",
        "family_name": "Amtsleitung",
        "preferred_username": "amtsleitung",
        "realm_access": {"roles": ["offline_access", "amtsleitung-sozialamt"]},
    },
    "niemand": {
        "sub": "f3b9c1e2-0003",
        "email": "niemand@lindenfeld.example",
        "given_name": "Nina",
        "family_name": "Niemand",
        "preferred_username": "niemand",
        "groups": ["kantine", "betriebssport"],
    },
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _port_is_free(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def _jwk(key: rsa.RSAPrivateKey, kid: str) -> dict[str, Any]:
    def b64(number: int) -> str:
        raw = number.to_bytes((number.bit_length() + 7) // 8, "big")
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    private = key.private_numbers()
    public = private.public_numbers
    return {
        "kty": "RSA",
        "kid": kid,
        "alg": "RS256",
        "use": "sig",
        "n": b64(public.n),
        "e": b64(public.e),
        "d": b64(private.d),
        "p": b64(private.p),
        "q": b64(private.q),
        "dp": b64(private.dmp1),
        "dq": b64(private.dmq1),
        "qi": b64(private.iqmp),
    }


@dataclass
class TestIdentityProvider:
    """A running oidc-provider with its accounts file and its signing key."""

    workdir: Path
    redirect_base: str
    port: int = field(default_factory=_free_port)
    accounts: dict[str, dict[str, Any]] = field(
        default_factory=lambda: json.loads(json.dumps(TEST_ACCOUNTS))
    )
    signing_key: rsa.RSAPrivateKey = field(
        default_factory=lambda: rsa.generate_private_key(public_exponent=65537, key_size=2048)
    )
    kid: str = field(default_factory=lambda: uuid.uuid4().hex)
    process: subprocess.Popen[str] | None = None
    output: list[str] = field(default_factory=list)

    __test__ = False  # not a test class, whatever its name says

    @property
    def issuer(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def accounts_file(self) -> Path:
        return self.workdir / "accounts.json"

    def add_account(self, username: str, **claims: Any) -> dict[str, Any]:
        """Add (or replace) a test account; `sub` defaults to a fresh one."""
        account = {"sub": uuid.uuid4().hex, "preferred_username": username, **claims}
        self.accounts[username] = account
        self._write_accounts()
        return account

    def set_claims(self, username: str, **claims: Any) -> None:
        """Change claims of an account; None removes a claim. Effective at the next login."""
        account = self.accounts[username]
        for name, value in claims.items():
            if value is None:
                account.pop(name, None)
            else:
                account[name] = value
        self._write_accounts()

    def _write_accounts(self) -> None:
        self.accounts_file.write_text(json.dumps(self.accounts), encoding="utf-8")

    def settings(self) -> dict[str, Any]:
        return {
            "OIDC_PROVIDER_NAME": "Test-IdP",
            "OIDC_OP_ISSUER": self.issuer,
            "OIDC_OP_AUTHORIZATION_ENDPOINT": f"{self.issuer}/auth",
            "OIDC_OP_TOKEN_ENDPOINT": f"{self.issuer}/token",
            "OIDC_OP_USER_ENDPOINT": f"{self.issuer}/me",
            "OIDC_OP_JWKS_ENDPOINT": f"{self.issuer}/jwks",
            "OIDC_OP_LOGOUT_ENDPOINT": f"{self.issuer}/session/end",
            "OIDC_OP_INTROSPECTION_ENDPOINT": f"{self.issuer}/token/introspection",
            "OIDC_RP_CLIENT_ID": WEB_CLIENT_ID,
            "OIDC_RP_CLIENT_SECRET": WEB_CLIENT_SECRET,
            "OIDC_RP_SCOPES": "openid email profile groups",
            "OIDC_API_AUDIENCE": API_AUDIENCE,
            "OIDC_TIMEOUT": 5,
        }

    def start(self) -> None:
        if not (IDP_DIR / "node_modules" / "oidc-provider").exists():
            skip_or_fail(
                "The test IdP is not installed: npm ci --prefix tests/idp (make test does it)"
            )
        node = shutil.which("node")
        if node is None:
            skip_or_fail("Node.js is not installed; the test IdP needs it")
            return
        if not _port_is_free(self.port):
            pytest.fail(f"port {self.port} is taken; a leftover IdP would answer silently")
        self._write_accounts()
        config = {
            "port": self.port,
            "accounts_file": str(self.accounts_file),
            "signing_key": _jwk(self.signing_key, self.kid),
            "resources": [
                {"indicator": API_AUDIENCE, "scope": "api"},
                {"indicator": OTHER_AUDIENCE, "scope": "api"},
            ],
            "clients": [
                {
                    "client_id": WEB_CLIENT_ID,
                    "client_secret": WEB_CLIENT_SECRET,
                    "redirect_uris": [urljoin(self.redirect_base, "/oidc/callback/")],
                    "post_logout_redirect_uris": [urljoin(self.redirect_base, "/")],
                    "grant_types": ["authorization_code", "refresh_token"],
                    "response_types": ["code"],
                    "token_endpoint_auth_method": "client_secret_post",
                },
                *(
                    {
                        "client_id": client_id,
                        "client_secret": SYSTEM_CLIENT_SECRET,
                        "grant_types": ["client_credentials"],
                        "response_types": [],
                        "redirect_uris": [],
                        "token_endpoint_auth_method": "client_secret_basic",
                    }
                    for client_id in (SYSTEM_CLIENT_ID, UNKNOWN_SYSTEM_CLIENT_ID)
                ),
            ],
        }
        config_file = self.workdir / "idp-config.json"
        config_file.write_text(json.dumps(config), encoding="utf-8")
        # The test's own script with the installed Node.js; nothing here comes from outside.
        self.process = subprocess.Popen(  # noqa: S603
            [node, str(IDP_DIR / "idp.mjs"), str(config_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=IDP_DIR,
        )
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.output.append(line)
            if "IDP READY" in line:
                break
        else:
            self.stop()
            pytest.fail("the test IdP did not start:\n" + "".join(self.output))
        # Keeps reading, so that the provider never blocks on a full pipe.
        threading.Thread(
            target=self.output.extend, args=(self.process.stdout,), daemon=True
        ).start()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)

    def client_credentials_token(
        self,
        client_id: str = SYSTEM_CLIENT_ID,
        secret: str = SYSTEM_CLIENT_SECRET,
        resource: str = API_AUDIENCE,
    ) -> str:
        response = requests.post(
            f"{self.issuer}/token",
            data={"grant_type": "client_credentials", "resource": resource, "scope": "api"},
            auth=(client_id, secret),
            timeout=5,
        )
        response.raise_for_status()
        return str(response.json()["access_token"])

    def person_tokens(
        self, username: str, *, resource: str | None = API_AUDIENCE
    ) -> dict[str, Any]:
        """Tokens of a person by the code flow, without a browser (login_hint skips the form)."""
        import hashlib
        import secrets

        verifier = secrets.token_urlsafe(48)
        challenge = (
            base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
            .rstrip(b"=")
            .decode()
        )
        redirect_uri = urljoin(self.redirect_base, "/oidc/callback/")
        params = {
            "response_type": "code",
            "client_id": WEB_CLIENT_ID,
            "redirect_uri": redirect_uri,
            "scope": "openid email profile groups",
            "state": secrets.token_urlsafe(16),
            "nonce": secrets.token_urlsafe(16),
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "login_hint": username,
        }
        if resource:
            params["resource"] = resource
        session = requests.Session()
        response = session.get(
            f"{self.issuer}/auth", params=params, allow_redirects=False, timeout=5
        )
        for _ in range(10):
            location = response.headers["location"]
            if location.startswith(redirect_uri):
                break
            response = session.get(
                urljoin(response.url, location), allow_redirects=False, timeout=5
            )
        code = parse_qs(urlparse(location).query)["code"][0]
        data = {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
            "client_id": WEB_CLIENT_ID,
            "client_secret": WEB_CLIENT_SECRET,
        }
        if resource:
            data["resource"] = resource
        tokens = session.post(f"{self.issuer}/token", data=data, timeout=5)
        tokens.raise_for_status()
        return dict(tokens.json())

    def mint_token(self, key: rsa.RSAPrivateKey | None = None, **claims: Any) -> str:
        """A JWT signed with the provider's key (or another) with claims it would not issue."""
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": API_AUDIENCE,
            "iat": now,
            "exp": now + 300,
            "client_id": SYSTEM_CLIENT_ID,
            **claims,
        }
        headers = {"kid": self.kid, "typ": "at+jwt"}
        return jwt.encode(payload, key or self.signing_key, algorithm="RS256", headers=headers)


def _running_idp(
    tmp_path: Path, settings: Any, redirect_base: str
) -> Iterator[TestIdentityProvider]:
    from django.core.cache import cache

    provider = TestIdentityProvider(workdir=tmp_path, redirect_base=redirect_base)
    provider.start()
    for name, value in provider.settings().items():
        setattr(settings, name, value)
    # Keys and token answers of an earlier test's provider must not leak into this one.
    cache.clear()
    try:
        yield provider
    finally:
        provider.stop()
        cache.clear()


@pytest.fixture
def idp(live_server: Any, settings: Any, tmp_path: Path) -> Iterator[TestIdentityProvider]:
    """The test provider for browser tests against `live_server`."""
    yield from _running_idp(tmp_path, settings, live_server.url)


@pytest.fixture
def idp_for_client(settings: Any, tmp_path: Path, db: Any) -> Iterator[TestIdentityProvider]:
    """The test provider for Django's test client, whose host is `testserver`."""
    yield from _running_idp(tmp_path, settings, "http://testserver")


def login_via_idp(
    page: Any, live_server: Any, username: str, *, next_path: str = "/", password: str = ""
) -> None:
    """Log a test account in through the login page and the provider's own form.

    Accounts without a "password" entry accept any password.
    """
    page.goto(f"{live_server.url}/konto/anmelden/?next={next_path}")
    page.get_by_role("button", name="Mit dem Konto Ihrer Verwaltung anmelden").click()
    page.get_by_label("Benutzername").fill(username)
    page.get_by_label("Passwort").fill(password)
    page.get_by_role("button", name="Anmelden").click()
    page.wait_for_url(f"{live_server.url}{next_path}*")
