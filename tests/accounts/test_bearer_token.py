"""Bearer access tokens of the real test provider: people, API clients, and every way to fail."""

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from django.test import override_settings
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.test import APIRequestFactory
from rest_framework.views import APIView

from accounts import services
from accounts.authentication import BearerTokenAuthentication
from accounts.models import ApiClient, Membership, User
from tests.idp_plugin import OTHER_AUDIENCE, SYSTEM_CLIENT_ID, UNKNOWN_SYSTEM_CLIENT_ID

pytestmark = pytest.mark.services


class WhoAmI(APIView):
    authentication_classes = [BearerTokenAuthentication]
    permission_classes = [IsAuthenticated]

    def post(self, request):
        return Response({"username": request.user.username})

    get = post


def call(token: str | None, header: str | None = None):
    factory = APIRequestFactory()
    if header is None and token is not None:
        header = f"Bearer {token}"
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    return WhoAmI.as_view()(factory.get("/api/v1/whoami/", **extra))


@pytest.fixture
def api_client(organisation, department) -> ApiClient:
    return services.create_api_client(
        actor=None,
        reason="Testdaten",
        name="Fachverfahren Wohngeld",
        client_id=SYSTEM_CLIENT_ID,
        organisation=organisation,
        role=Membership.Role.DEPARTMENT_HEAD,
        departments=[department],
    )


def test_a_client_credentials_token_acts_as_the_api_clients_service_user(
    idp_for_client, api_client
):
    response = call(idp_for_client.client_credentials_token())
    assert response.status_code == 200
    assert response.data["username"] == api_client.service_user.username


def test_the_service_user_gets_the_api_clients_role_through_a_membership(api_client, department):
    membership = api_client.service_user.memberships.get()
    assert (membership.organisation, membership.role) == (
        api_client.organisation,
        Membership.Role.DEPARTMENT_HEAD,
    )
    # The permission machinery sees it like a department head: via the department's group.
    assert api_client.service_user.groups.filter(pk=department.heads_group_id).exists()


def test_a_token_of_a_client_that_is_not_configured_is_refused(idp_for_client, api_client):
    token = idp_for_client.client_credentials_token(client_id=UNKNOWN_SYSTEM_CLIENT_ID)
    assert call(token).status_code == 401


def test_a_token_of_a_deactivated_api_client_is_refused(idp_for_client, api_client):
    services.update_api_client(api_client, actor=None, reason="Testdaten", is_active=False)
    assert call(idp_for_client.client_credentials_token()).status_code == 401


def test_a_token_for_another_audience_is_refused(idp_for_client, api_client):
    token = idp_for_client.client_credentials_token(resource=OTHER_AUDIENCE)
    assert call(token).status_code == 401


def test_an_expired_token_is_refused(idp_for_client, api_client):
    token = idp_for_client.mint_token(exp=1_000_000_000, iat=999_999_000)
    assert call(token).status_code == 401


def test_a_token_with_a_forged_signature_is_refused(idp_for_client, api_client):
    forger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    assert call(idp_for_client.mint_token(key=forger)).status_code == 401


def test_a_token_naming_a_key_the_provider_does_not_have_is_refused(idp_for_client, api_client):
    # An unknown kid raises the key error, not a token error, in PyJWT: it must still be a 401.
    claims = jwt.decode(idp_for_client.mint_token(), options={"verify_signature": False})
    token = jwt.encode(
        claims, idp_for_client.signing_key, algorithm="RS256", headers={"kid": "unknown-kid"}
    )
    assert call(token).status_code == 401


def test_a_token_of_another_issuer_is_refused(idp_for_client, api_client):
    token = idp_for_client.mint_token(iss="https://idp.elsewhere.example")
    assert call(token).status_code == 401


def test_a_token_signed_with_the_providers_key_is_accepted(idp_for_client, api_client):
    # The counterpart of the refusals above: only the one claim each of them changes is at fault.
    assert call(idp_for_client.mint_token()).status_code == 200


def test_no_token_is_refused_with_a_bearer_challenge(idp_for_client):
    response = call(None)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_malformed_authorization_header_is_refused(idp_for_client):
    assert call(None, header="Bearer two parts").status_code == 401
    assert call(None, header="Bearer not-a-token").status_code == 401


def test_a_persons_access_token_acts_as_that_person(client, idp_for_client):
    person = User.objects.create_user(
        "greta", oidc_issuer=idp_for_client.issuer, oidc_subject="f3b9c1e2-0001"
    )
    token = idp_for_client.person_tokens("gremium")["access_token"]
    response = call(token)
    assert response.status_code == 200
    assert response.data["username"] == person.username


def test_a_persons_token_is_refused_before_their_first_login(idp_for_client):
    token = idp_for_client.person_tokens("gremium")["access_token"]
    assert call(token).status_code == 401


def test_an_opaque_token_is_checked_by_introspection(idp_for_client, api_client):
    person = User.objects.create_user(
        "greta", oidc_issuer=idp_for_client.issuer, oidc_subject="f3b9c1e2-0001"
    )
    # Without a resource the provider issues an opaque token for its own userinfo endpoint.
    token = idp_for_client.person_tokens("gremium", resource=None)["access_token"]
    assert token.count(".") != 2
    with override_settings(OIDC_API_AUDIENCE=""):
        response = call(token)
    assert response.status_code == 200
    assert response.data["username"] == person.username


def test_a_checked_token_is_not_checked_at_the_provider_again(idp_for_client, api_client):
    token = idp_for_client.client_credentials_token()
    assert call(token).status_code == 200
    idp_for_client.stop()
    # Keys and the answer are cached: the provider being gone changes nothing for a while.
    assert call(token).status_code == 200


def test_a_new_token_while_the_provider_is_down_and_keys_are_unknown_gives_503(
    idp_for_client, api_client
):
    token = idp_for_client.client_credentials_token()
    idp_for_client.stop()
    response = call(token)
    assert response.status_code == 503
