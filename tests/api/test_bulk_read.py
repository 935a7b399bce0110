"""The streamed bulk read (/api/v1/use-cases/export/) and visibility that does not grow with
the organisations a person belongs to (issue 16)."""

import csv
import datetime
import io
import json
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts import services as account_services
from accounts.models import Membership
from governance import services as governance_services
from governance.api.serializers import GovernedUseCaseSerializer
from governance.api.views import GOVERNED_PREFETCH
from registry import permissions, services
from registry.api import bulk
from registry.api.etags import etag_for
from registry.models import UseCase
from tests.api.conftest import ApiClient
from tests.conftest import make_person, make_use_case

URL = "/api/v1/use-cases/export/"


def _lines(response: Any) -> list[dict[str, Any]]:
    body = b"".join(response.streaming_content).decode()
    return [json.loads(line) for line in body.splitlines()]


def _with_children(actor: Any, department: Any, title: str) -> Any:
    use_case = make_use_case(actor, department, title, short_description="Kurz")
    services.set_use_case_children(
        use_case,
        actor=actor,
        reason="r",
        key="legal_bases",
        rows=[{"law": "DSGVO", "provision": "Art. 6"}, {"law": "SGB X", "provision": "§ 67"}],
    )
    # A review round: submissions and obligations are child rows of the representation too.
    governance_services.classify_use_case(
        use_case, actor=actor, facts={"is_ai_system": True, "annex_iii_points": ["5a"]}
    )
    governance_services.submit_use_case(use_case, actor=actor, note="Bitte prüfen")
    return use_case


def test_each_record_is_the_lists_representation(board_member, department):
    _with_children(board_member, department, "Wohngeld-Vorprüfung")
    _with_children(board_member, department, "Chatbot Bürgerbüro")
    client = ApiClient(board_member)
    listed = client.get("/api/v1/use-cases/?page_size=100").json()["results"]
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert response.streaming
    exported = _lines(response)
    assert sorted(exported, key=lambda r: r["id"]) == sorted(listed, key=lambda r: r["id"])
    # Computed values (an obligation's state today) and times in the request's zone are part
    # of what is compared.
    assert any(item["state"] for record in exported for item in record["obligations"])
    assert all(not record["updated_at"].endswith("Z") for record in exported)
    # Both are built from plain rows; the detail is DRF's serializer, the reference.
    for record in exported:
        assert record == client.get(f"/api/v1/use-cases/{record['id']}/").json()


def test_the_detail_and_its_etag_are_the_serializers_representation(board_member, department):
    use_case = _with_children(board_member, department, "Wohngeld-Vorprüfung")
    client = ApiClient(board_member)
    response = client.get(f"/api/v1/use-cases/{use_case.pk}/")
    instance = UseCase.objects.prefetch_related(*GOVERNED_PREFETCH).get(pk=use_case.pk)
    # DRF's serializer stays the reference: the writes' If-Match is compared with its ETag.
    reference = GovernedUseCaseSerializer(instance).data
    assert response.json() == json.loads(json.dumps(reference))
    assert response["ETag"] == etag_for(reference)
    narrowed = client.get(f"/api/v1/use-cases/{use_case.pk}/?fields=id,obligations").json()
    assert narrowed == {"id": use_case.pk, "obligations": response.json()["obligations"]}


def test_a_narrowed_list_is_the_narrowed_representation(board_member, department):
    _with_children(board_member, department, "Wohngeld-Vorprüfung")
    listed = ApiClient(board_member).get("/api/v1/use-cases/?fields=title,legal_bases").json()
    assert [set(r) for r in listed["results"]] == [{"title", "legal_bases"}]


def test_the_csv_has_a_header_and_a_row_per_record(board_member, department):
    _with_children(board_member, department, "=SUMME(A1)")
    response = ApiClient(board_member).get(URL + "?type=csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == 1
    # A title a spreadsheet would evaluate is quoted (OWASP CSV injection).
    assert rows[0]["title"] == "'=SUMME(A1)"
    assert [row["law"] for row in json.loads(rows[0]["legal_bases"])] == ["DSGVO", "SGB X"]


def test_an_unknown_type_is_a_german_error_naming_the_field(board_member):
    response = ApiClient(board_member).get(URL + "?type=xml")
    assert response.status_code == 400
    assert "type" in response.json()["errors"]


def test_updated_after_gives_only_what_changed_since(board_member, department):
    old = make_use_case(board_member, department, "Alt")
    new = make_use_case(board_member, department, "Neu")
    since = new.updated_at
    governance_services.change_use_case(
        old, actor=board_member, reason="geändert", title="Alt, geändert"
    )
    client = ApiClient(board_member)
    changed = _lines(
        client.get(URL + "?" + f"updated_after={since.isoformat()}".replace("+", "%2B"))
    )
    # Inclusive, as the list's filter: the newest record seen before comes again.
    assert [r["title"] for r in changed] == ["Neu", "Alt, geändert"]
    later = since + datetime.timedelta(days=1)
    assert _lines(client.get(URL + f"?updated_after={later.date().isoformat()}T00:00:00Z")) == []


def test_records_come_oldest_change_first_across_chunks(board_member, department, monkeypatch):
    monkeypatch.setattr(bulk, "CHUNK_SIZE", 2)
    made = [make_use_case(board_member, department, f"Fall {i}").pk for i in range(5)]
    exported = _lines(ApiClient(board_member).get(URL))
    assert [r["id"] for r in exported] == made


def test_anonymous_callers_are_refused():
    response = ApiClient().get(URL)
    assert response.status_code == 401


def test_people_without_a_role_get_nothing(outsider, board_member, department):
    make_use_case(board_member, department, "Intern")
    assert _lines(ApiClient(outsider).get(URL)) == []


def test_another_organisations_board_gets_none_of_these_records(
    foreign_board_member, board_member, department, foreign_use_case
):
    make_use_case(board_member, department, "Intern")
    exported = _lines(ApiClient(foreign_board_member).get(URL))
    assert [r["id"] for r in exported] == [foreign_use_case.pk]


def test_everyone_of_the_organisation_reads_its_records(
    dpo, other_department_head, auditor, use_case, foreign_use_case
):
    for person in (dpo, other_department_head, auditor):
        assert [r["id"] for r in _lines(ApiClient(person).get(URL))] == [use_case.pk]


def test_a_single_person_grant_adds_that_record(outsider, board_member, use_case):
    services.grant_use_case_access(
        use_case, actor=board_member, user=outsider, permission=permissions.VIEW, reason="Einsicht"
    )
    assert [r["id"] for r in _lines(ApiClient(outsider).get(URL))] == [use_case.pk]


# -- query counts ------------------------------------------------------------------------------


def _queries(client: ApiClient, path: str, *, stream: bool) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
        assert response.status_code == 200
        if stream:
            b"".join(response.streaming_content)
    return len(captured)


def _audit_more_organisations(person: Any, n: int, seq: int) -> None:
    for i in range(n):
        number = seq * 100 + i
        organisation = account_services.create_organisation(
            name=f"Gemeinde {number}",
            slug=f"g{number}",
            ags=f"{20000000 + number}",
            actor=None,
            reason="Testdaten",
        )
        department = account_services.create_department(
            organisation=organisation, name="Bürgeramt", actor=None, reason="Testdaten"
        )
        board = make_person(f"board{number}", organisation, Membership.Role.BOARD)
        make_use_case(board, department, f"Fall {number}")
        account_services.grant_role(
            person,
            organisation=organisation,
            role=Membership.Role.AUDITOR,
            actor=None,
            reason="Testdaten",
        )


def test_query_counts_do_not_grow_with_organisations_or_records(auditor, board_member, department):
    make_use_case(board_member, department, "Erster Fall")
    client = ApiClient(auditor)
    paths = {
        "list": ("/api/v1/use-cases/?page_size=100", False),
        "search": ("/api/v1/use-cases/?page_size=100&search=Fall", False),
        "export": (URL, True),
        "export csv": (URL + "?type=csv", True),
    }
    for path, _stream in paths.values():
        client.get(path)  # the session is written on the first request
    one = {name: _queries(client, path, stream=stream) for name, (path, stream) in paths.items()}
    _audit_more_organisations(auditor, 6, seq=1)
    for i in range(10):
        make_use_case(board_member, department, f"Fall {i}")
    many = {name: _queries(client, path, stream=stream) for name, (path, stream) in paths.items()}
    assert many == one


def test_visibility_reads_no_group_permission_rows_for_organisation_roles(auditor, use_case):
    sql, params = permissions.use_cases_visible_to(auditor).query.sql_with_params()
    # Organisation-wide roles are organisation ids, written into the query (the planner then
    # knows the organisation's size); the group rows are for departments only.
    assert "accounts_membership" not in sql
    assert use_case.organisation_id in params
    assert "usecasegroupobjectpermission" not in sql.lower()


def test_beyond_the_inline_limit_the_organisations_are_a_membership_subquery(
    auditor, use_case, foreign_use_case, monkeypatch
):
    inline = set(permissions.use_cases_visible_to(auditor))
    monkeypatch.setattr(permissions, "INLINE_ORGANISATIONS", 0)
    visible = permissions.use_cases_visible_to(auditor)
    assert "accounts_membership" in str(visible.query)
    assert set(visible) == inline == {use_case}
