"""The OpenAPI schema is valid, and the API keeps every promise it makes (Schemathesis)."""

import base64
import re
from typing import Any

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

from registry.api.pagination import CURSOR_FORMAT
from registry.public.opendata import record_definitions
from tests.conftest import make_use_case


@pytest.mark.django_db
def test_the_schema_validates_without_warnings():
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", "/dev/null")


def _free_text(schema: dict[str, Any], where: str) -> list[tuple[str, dict[str, Any]]]:
    found = []
    if schema.get("type") == "string" and not {"format", "enum"} & schema.keys():
        found.append((where, schema))
    for name, child in schema.get("properties", {}).items():
        found += _free_text(child, f"{where}.{name}")
    if isinstance(schema.get("items"), dict):
        found += _free_text(schema["items"], f"{where}[]")
    return found


@pytest.mark.django_db
def test_free_text_in_a_request_body_says_that_it_takes_no_nul_character(client):
    # DRF refuses NUL in every CharField; a schema that allowed it would promise a 2xx the API
    # cannot give (the fuzzer once sent one in an incident report's reference).
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    texts = [
        found
        for name, schema in schemas.items()
        if name.endswith("Request")
        for found in _free_text(schema, name)
    ]
    takes_nul = {
        where
        for where, schema in texts
        if "pattern" not in schema or re.search(schema["pattern"], "Text\x00") is not None
    }
    assert takes_nul == set()
    assert "ReportRequestRequest.reference" in {where for where, _ in texts}


@pytest.mark.django_db
def test_required_free_text_in_a_request_body_says_that_white_space_alone_is_blank(client):
    # DRF trims text before it checks that a required one is not blank (the fuzzer once sent
    # an objection decision's note "\f"); the schema must not promise a 2xx for it.
    schemas = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    required = [
        (where, schema)
        for name, schema in schemas.items()
        if name.endswith("Request")
        for where, schema in _free_text(schema, name)
        if schema.get("minLength", 0) > 0
    ]
    takes_blank = {
        where
        for where, schema in required
        if any(re.search(schema["pattern"], blank) for blank in (" ", "\f", "\t\n", "\x1c"))
    }
    assert takes_blank == set()
    note = dict(required)["ObjectionDecisionRequest.note"]
    assert re.search(note["pattern"], "Bescheid geändert")


@pytest.mark.django_db
def test_free_text_in_a_query_parameter_says_that_it_takes_no_nul_character(client):
    # The filter forms refuse NUL too (the fuzzer once sent one in ?search= of departments).
    paths = client.get("/api/schema/?format=json").json()["paths"]
    texts = [
        found
        for path, item in paths.items()
        for method, operation in item.items()
        for parameter in operation.get("parameters", [])
        if parameter["in"] == "query"
        for found in _free_text(parameter["schema"], f"{method} {path} ?{parameter['name']}")
    ]
    takes_nul = {
        where
        for where, schema in texts
        if "pattern" not in schema or re.search(schema["pattern"], "Text\x00") is not None
    }
    assert takes_nul == set()
    assert "get /api/v1/departments/ ?search" in {where for where, _ in texts}
    assert "get /api/v2/public/use-cases/ ?search" in {where for where, _ in texts}


@pytest.mark.django_db
def test_v1s_public_records_are_deprecated_and_v2s_are_not(client):
    paths = client.get("/api/schema/?format=json").json()["paths"]
    public = {
        path: item["get"].get("deprecated", False)
        for path, item in paths.items()
        if path.startswith(("/api/v1/public/use-cases/", "/api/v2/public/use-cases/"))
        and "log-proofs" not in path
    }
    assert public == {
        "/api/v1/public/use-cases/": True,
        "/api/v1/public/use-cases/{id}/": True,
        "/api/v1/public/use-cases/{id}/changes/": True,
        "/api/v2/public/use-cases/": False,
        "/api/v2/public/use-cases/{id}/": False,
        "/api/v2/public/use-cases/{id}/changes/": False,
    }
    headers = paths["/api/v1/public/use-cases/"]["get"]["responses"]["200"]["headers"]
    assert {"Deprecation", "Sunset", "Link"} <= set(headers)


@pytest.mark.django_db
def test_v2s_record_is_described_by_the_open_data_schema_of_a_record(client):
    schema = client.get("/api/schema/?format=json").json()
    record = schema["components"]["schemas"]["PublicRecord"]
    documented = record_definitions()["use_case"]
    assert list(record["properties"]) == list(documented["properties"])
    # `?fields=` narrows a record to the properties named: none of them is required.
    assert "required" not in record
    assert set(documented["required"]) <= set(record["properties"])
    # Nested as in the download, nullable where the download's record may be null.
    assert record["properties"]["ai_system"]["properties"]["vendor"]["nullable"] is True
    assert record["properties"]["organisation"]["required"] == ["name", "slug", "ags"]
    page = schema["paths"]["/api/v2/public/use-cases/{id}/"]["get"]["responses"]["200"]
    assert page["content"]["application/json"]["schema"] == {
        "$ref": "#/components/schemas/PublicRecord"
    }


@pytest.mark.django_db
def test_swagger_ui_and_redoc_load_their_assets_locally(client):
    for path in ("/api/schema/swagger/", "/api/schema/redoc/"):
        page = client.get(path).content.decode()
        assert "cdn." not in page
        assert "/static/drf_spectacular_sidecar/" in page


@pytest.fixture(autouse=True)
def keep_the_test_connection() -> Any:
    # Schemathesis calls the WSGI handler itself, which would close the test's database
    # connection after each request; Django's test client disconnects these signals too.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The department head's session, for the auth provider below; set by department_head_world.
SESSION: dict[str, str] = {}


@pytest.fixture
def department_head_world(department_head, department, ai_system) -> Any:
    from django.test import Client

    make_use_case(department_head, department, "Wohngeld-Vorprüfung")
    client = Client()
    client.force_login(department_head)
    SESSION.update(sessionid=client.cookies["sessionid"].value, csrftoken=_get_new_csrf_string())
    yield
    SESSION.clear()


@pytest.fixture
def public_world(board_member, department) -> None:
    """A published use case without an AI system: its technique and hosting are empty."""
    from registry.publication import publish_use_case

    use_case = make_use_case(board_member, department, "Terminvergabe ohne KI-System")
    publish_use_case(use_case, actor=board_member, reason="veröffentlicht")


def _cursor(offset: int, reverse: bool) -> str:
    return base64.b64encode(f"o={offset}&r={int(reverse)}".encode()).decode()


# A cursor is valid only as the API handed it out; these are the ones it hands out, bar the
# position (which registry.api.pagination checks against the ordering: test_pagination.py).
schemathesis.openapi.format(
    CURSOR_FORMAT, st.builds(_cursor, st.integers(min_value=0, max_value=1000), st.booleans())
)


def _load_schema() -> Any:
    # Loading the schema touches no database, so it can happen at collection.
    loaded = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())
    loaded.config.checks.update(included_check_names=["all"])
    loaded.config.phases.examples.enabled = True
    loaded.config.phases.fuzzing.enabled = True
    # The coverage phase enumerates edge cases of every field of the large use-case bodies and
    # takes minutes; the fuzzing phase sends valid and invalid data to every operation.
    loaded.config.phases.coverage.enabled = False
    loaded.config.phases.stateful.enabled = True
    return loaded


as_anonymous = _load_schema()
as_department_head = _load_schema()


# Not cached: every test logs in anew (its session is gone with the test's transaction).
@as_department_head.auth(refresh_interval=None)
class DepartmentHeadSession:
    """The session cookie and CSRF token of a signed-in department head (Schemathesis auth)."""

    def get(self, case: Any, ctx: Any) -> dict[str, str]:
        return dict(SESSION)

    def set(self, case: Any, data: dict[str, str], ctx: Any) -> None:
        # The CSRF cookie goes with the call (csrf_cookie): a cookie the schema does not declare
        # would make Schemathesis take the case for a negative one.
        case.cookies = {**(case.cookies or {}), "sessionid": data["sessionid"]}
        case.headers = {**(case.headers or {}), "X-CSRFToken": data["csrftoken"]}


def csrf_cookie() -> dict[str, Any]:
    return {"cookies": {"csrftoken": SESSION["csrftoken"]}}


# Checks that cannot hold for one operation by its design, each with the reason; every other
# check runs on every operation.
REFERS_BY_ID = (
    "A schema-valid body names an organisation, department, AI system, use case or a document's "
    "target by an integer id; an id "
    "that names nothing visible is a 400 naming the field, and the schema cannot list the ids."
)
NAMES_ITS_VERSION = (
    "If-Match must be the ETag of the current version; any other string is a 412 (a random "
    "one without the stateful phase's link from the GET that gave the ETag)."
)
REFERS_BY_SLUG = (
    "A schema-valid body names the organisation by its slug; a slug of no organisation whose "
    "maturity pages the caller may open is a 400 naming the field."
)
NAMES_A_TREE_SIZE = (
    "`size` names a size of the record's change-log tree, between 1 and its current size; the "
    "schema cannot state a bound that grows with the log, and a larger size is a 400 naming it."
)
NOT_APPLICABLE: dict[str, dict[Any, str]] = {
    **{
        f"GET /api/{version}/public/use-cases/{{use_case_id}}/log-proofs/": {
            schemathesis.checks.positive_data_acceptance: NAMES_A_TREE_SIZE
        }
        for version in ("v1", "v2")
    },
    "POST /api/v1/ai-systems/": {schemathesis.checks.positive_data_acceptance: REFERS_BY_ID},
    "POST /api/v1/use-cases/": {schemathesis.checks.positive_data_acceptance: REFERS_BY_ID},
    "POST /api/v1/webhooks/": {schemathesis.checks.positive_data_acceptance: REFERS_BY_ID},
    "POST /api/v1/incidents/": {schemathesis.checks.positive_data_acceptance: REFERS_BY_ID},
    "POST /api/v1/objections/": {schemathesis.checks.positive_data_acceptance: REFERS_BY_ID},
    "POST /api/v1/documents/": {schemathesis.checks.positive_data_acceptance: REFERS_BY_ID},
    "POST /api/v1/outcome-measurements/": {
        schemathesis.checks.positive_data_acceptance: REFERS_BY_ID
    },
    "POST /api/v1/maturity/measures/": {
        schemathesis.checks.positive_data_acceptance: REFERS_BY_SLUG
    },
    "PATCH /api/v1/maturity/measures/{id}/": {
        schemathesis.checks.positive_data_acceptance: NAMES_ITS_VERSION
    },
    "PATCH /api/v1/outcome-measurements/{id}/": {
        schemathesis.checks.positive_data_acceptance: NAMES_ITS_VERSION
    },
    **{
        f"{method} /api/v1/{resource}/{{id}}/": {
            schemathesis.checks.positive_data_acceptance: REFERS_BY_ID + " " + NAMES_ITS_VERSION
        }
        for method in ("PUT", "PATCH")
        for resource in ("ai-systems", "use-cases", "webhooks")
    },
    **{
        f"POST /api/v1/use-cases/{{id}}/{action}/": {
            schemathesis.checks.positive_data_acceptance: NAMES_ITS_VERSION
        }
        for action in ("submit", "sign-off", "decide", "put-into-operation", "retire")
    },
}


def excluded_checks(case: Any) -> list[Any]:
    return list(NOT_APPLICABLE.get(case.operation.label, {}))


FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@as_department_head.parametrize()
@FUZZ
@pytest.mark.django_db
def test_the_api_keeps_its_schema_for_a_department_head(case, department_head_world):
    case.call_and_validate(excluded_checks=excluded_checks(case), **csrf_cookie())


@as_anonymous.parametrize()
@FUZZ
@pytest.mark.django_db
def test_the_api_keeps_its_schema_for_an_anonymous_caller(case, public_world):
    case.call_and_validate(excluded_checks=excluded_checks(case))


STATEFUL = settings(
    max_examples=30,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


class DepartmentHeadJourney(as_department_head.as_state_machine()):  # type: ignore[misc]
    def get_call_kwargs(self, case: Any) -> dict[str, Any]:
        return csrf_cookie()

    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(
            response,
            excluded_checks=excluded_checks(case),
            transport_kwargs=kwargs or None,
            recorder=self.recorder,
        )


class AnonymousJourney(as_anonymous.as_state_machine()):  # type: ignore[misc]
    def validate_response(self, response: Any, case: Any, **kwargs: Any) -> None:
        case.validate_response(
            response,
            excluded_checks=excluded_checks(case),
            transport_kwargs=kwargs or None,
            recorder=self.recorder,
        )


@pytest.mark.django_db
def test_a_department_heads_journeys_keep_the_schema(department_head_world):
    DepartmentHeadJourney.run(settings=STATEFUL)


@pytest.mark.django_db
def test_an_anonymous_callers_journeys_keep_the_schema(public_world):
    AnonymousJourney.run(settings=STATEFUL)
