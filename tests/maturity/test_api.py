"""The maturity API (schema maturity-1.0): the pages' visibility, measures through the services."""

import datetime

import pytest

from accounts.models import User
from maturity import services
from maturity.models import MaturityMeasure
from maturity.questionnaires import (
    ASKED_CRITERIA,
    CRITERIA,
    READINESS_QUESTIONS,
    READINESS_VERSION,
    SERVICE_VERSION,
)
from tests.api.conftest import ApiClient
from tests.maturity.conftest import answers

pytestmark = pytest.mark.django_db

READINESS = "/api/v1/maturity/readiness-assessments/"
SERVICES = "/api/v1/maturity/service-assessments/"
MEASURES = "/api/v1/maturity/measures/"
LEIKA = "99107002000000"
OTHER_LEIKA = "99107003000000"


def _results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def _service(organisation, actor, leika_key=LEIKA, level=3):
    return services.record_service_assessment(
        organisation,
        leika_key=leika_key,
        answers={c.key: level for c in ASKED_CRITERIA},
        use_case_support={},
        actor=actor,
    )


def _measure(organisation, actor, **fields):
    return services.create_measure(
        organisation,
        actor=actor,
        reason="Klausur",
        **{
            "dimension": "process_clarity",
            "title": "Prozesse modellieren",
            "owner_role": "Hauptamt",
            "due_date": datetime.date(2027, 5, 1),
            **fields,
        },
    )


@pytest.fixture
def named(organisation, board_member, other_department_head):
    """The other department head, named by the board for the readiness questionnaire."""
    services.nominate_answerer(
        organisation,
        user=other_department_head,
        scope="readiness",
        actor=board_member,
        reason="Fachlich zuständig",
    )
    return other_department_head


def test_the_board_reads_every_assessment_with_levels_answers_basics_and_who_answered(
    organisation, board_member, assessment
):
    later = services.record_readiness_assessment(
        organisation, answers=answers(3, capacity=1), actor=board_member
    )
    rows = _results(ApiClient(board_member).get(READINESS))
    assert [row["id"] for row in rows] == [later.pk, assessment.pk]
    row = rows[0]
    assert row["schema_version"] == "maturity-1.0"
    assert row["organisation"] == organisation.slug
    assert row["questionnaire_version"] == READINESS_VERSION
    # The weakest answer of a dimension is its level.
    assert row["levels"]["responsibilities"] == 1
    assert row["levels"]["process_clarity"] == 3
    assert row["levels"]["governance_basics"] == later.level_governance_basics
    assert row["answers"] == {q.key: later.answers[q.key] for q in READINESS_QUESTIONS}
    assert row["governance_basics"]["met"]["board"] is True
    # The persona has no full name: the user name, as on the overview page.
    assert row["assessed_by"] == board_member.username


def test_a_named_answerer_reads_only_the_latest_assessment_without_names_or_basics(
    organisation, board_member, assessment, named
):
    later = services.record_readiness_assessment(
        organisation, answers=answers(3), actor=board_member
    )
    client = ApiClient(named)
    rows = _results(client.get(READINESS))
    # The questionnaire page shows the named person the latest answers only, and no names.
    assert [row["id"] for row in rows] == [later.pk]
    assert rows[0]["assessed_by"] is None
    assert rows[0]["governance_basics"] is None
    assert rows[0]["levels"]["governance_basics"] is None
    assert rows[0]["levels"]["process_clarity"] == 3
    assert client.get(f"{READINESS}{assessment.pk}/").status_code == 404


def test_a_revoked_nomination_shows_nothing_any_more(organisation, board_member, assessment, named):
    nomination = named.maturity_nominations.get()
    services.revoke_nomination(nomination, actor=board_member, reason="Wechsel")
    assert _results(ApiClient(named).get(READINESS)) == []


def test_the_auditor_reads_the_assessments_as_the_board_does_and_plans_nothing(
    auditor, assessment, organisation
):
    client = ApiClient(auditor)
    rows = _results(client.get(READINESS))
    assert [row["id"] for row in rows] == [assessment.pk]
    assert rows[0]["assessed_by"] is not None and rows[0]["governance_basics"] is not None
    assert client.get(f"{READINESS}{assessment.pk}/").status_code == 200
    body = {
        "organisation": organisation.slug,
        "dimension": "process_clarity",
        "title": "Prüfen",
        "owner_role": "Rechnungsprüfung",
        "due_date": "2027-03-01",
        "reason": "Test",
    }
    assert client.post("/api/v1/maturity/measures/", body).status_code == 403
    assert not organisation.maturity_measures.exists()


@pytest.mark.parametrize("persona", ["department_head", "dpo", "foreign_board_member"])
def test_others_see_no_assessment_and_get_404_for_one(request, persona, assessment):
    client = ApiClient(request.getfixturevalue(persona))
    assert _results(client.get(READINESS)) == []
    assert client.get(f"{READINESS}{assessment.pk}/").status_code == 404


def test_the_operator_reads_every_organisations_assessments(
    organisation, other_organisation, assessment, foreign_board_member
):
    foreign = services.record_readiness_assessment(
        other_organisation, answers=answers(1), actor=foreign_board_member
    )
    operator = User.objects.create_superuser("betrieb", "betrieb@example.org", "x")
    rows = _results(ApiClient(operator).get(READINESS))
    assert {row["id"] for row in rows} == {assessment.pk, foreign.pk}
    filtered = _results(ApiClient(operator).get(f"{READINESS}?organisation={organisation.slug}"))
    assert [row["id"] for row in filtered] == [assessment.pk]


def test_service_assessments_filter_by_organisation_and_leika_key(
    organisation, other_organisation, board_member, foreign_board_member
):
    first = _service(organisation, board_member, level=2)
    other = _service(organisation, board_member, leika_key=OTHER_LEIKA)
    _service(other_organisation, foreign_board_member)
    client = ApiClient(board_member)
    assert {row["id"] for row in _results(client.get(SERVICES))} == {first.pk, other.pk}
    rows = _results(client.get(f"{SERVICES}?organisation={organisation.slug}&leika_key={LEIKA}"))
    assert [row["id"] for row in rows] == [first.pk]
    row = rows[0]
    assert row["schema_version"] == "maturity-1.0"
    assert row["level"] == 2
    assert row["questionnaire_version"] == SERVICE_VERSION
    assert row["answers"] == {c.key: 2 for c in ASKED_CRITERIA}


def test_a_person_named_for_services_reads_the_latest_per_service_only(
    organisation, board_member, other_department_head
):
    services.nominate_answerer(
        organisation, user=other_department_head, scope="services", actor=board_member, reason="x"
    )
    old = _service(organisation, board_member, level=1)
    new = _service(organisation, board_member, level=4)
    other = _service(organisation, board_member, leika_key=OTHER_LEIKA)
    client = ApiClient(other_department_head)
    assert {row["id"] for row in _results(client.get(SERVICES))} == {new.pk, other.pk}
    assert client.get(f"{SERVICES}{old.pk}/").status_code == 404
    # Named for services is not named for readiness.
    assert _results(client.get(READINESS)) == []


def test_the_questionnaires_name_every_key_the_answers_use(department_head, assessment):
    document = ApiClient(department_head).get("/api/v1/maturity/questionnaires/").json()
    assert document["schema_version"] == "maturity-1.0"
    readiness, service = document["readiness"], document["services"]
    assert readiness["version"] == READINESS_VERSION
    assert service["version"] == SERVICE_VERSION
    assert set(assessment.answers) == {q["key"] for q in readiness["questions"]}
    assert [c["key"] for c in service["criteria"]] == [c.key for c in CRITERIA]
    unknown = next(c for c in service["criteria"] if c["key"] == "unknown_12")
    # A criterion whose wording is not known says so, and is not asked.
    assert unknown["asked"] is False
    assert "nicht abrufbar" in unknown["wording_source_note"]
    assert [s["level"] for s in readiness["scale"]] == [0, 1, 2, 3, 4]
    assert all(q["source"] for q in readiness["questions"])


def test_the_questionnaires_need_a_login():
    assert ApiClient().get("/api/v1/maturity/questionnaires/").status_code == 401


# -- measures ------------------------------------------------------------------------------------


def _create_body(organisation, **overrides):
    return {
        "organisation": organisation.slug,
        "dimension": "data_availability",
        "title": "Melderegister anbinden",
        "owner_role": "IT-Leitung",
        "due_date": "2027-03-31",
        "target_level": 3,
        "reason": "Beschluss des Gremiums",
        **overrides,
    }


def test_the_board_plans_a_measure_through_the_service_with_its_reason(organisation, board_member):
    response = ApiClient(board_member).post(MEASURES, _create_body(organisation))
    assert response.status_code == 201, response.content
    measure = MaturityMeasure.objects.get()
    assert response["Location"] == f"{MEASURES}{measure.pk}/"
    assert response["ETag"]
    body = response.json()
    assert body["schema_version"] == "maturity-1.0"
    assert body["status"] == "planned"
    assert body["target_level"] == 3
    record = measure.history.get()
    assert record.history_user == board_member
    assert record.history_change_reason == "Beschluss des Gremiums"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"status": "done"}, "status"),
        ({"created_by": 1}, "created_by"),
        ({"reason": ""}, "reason"),
        ({"dimension": "luck"}, "dimension"),
        ({"target_level": 9}, "target_level"),
        ({"due_date": "31.03.2027"}, "due_date"),
    ],
)
def test_a_bad_measure_is_refused_naming_the_field_and_nothing_is_saved(
    organisation, board_member, overrides, field
):
    response = ApiClient(board_member).post(MEASURES, _create_body(organisation, **overrides))
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not MaturityMeasure.objects.exists()


def test_a_measure_without_a_reason_is_refused(organisation, board_member):
    body = _create_body(organisation)
    del body["reason"]
    response = ApiClient(board_member).post(MEASURES, body)
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]


def test_a_measure_for_an_organisation_one_is_not_on_the_board_of_is_refused(
    organisation, other_organisation, board_member, named
):
    response = ApiClient(board_member).post(MEASURES, _create_body(other_organisation))
    # Another organisation's maturity is not there for this caller: the field names nothing.
    assert response.status_code == 400
    assert "organisation" in response.json()["errors"]
    # The named answerer may open the maturity pages but not plan measures.
    assert ApiClient(named).post(MEASURES, _create_body(organisation)).status_code == 403
    assert not MaturityMeasure.objects.exists()


def test_measures_are_the_boards_and_filter_by_status(
    organisation, other_organisation, board_member, foreign_board_member, named
):
    planned = _measure(organisation, board_member)
    done = _measure(organisation, board_member, title="Erledigt")
    services.update_measure(
        done,
        actor=board_member,
        reason="fertig",
        expected_version=services.measure_version(done),
        status="done",
    )
    _measure(other_organisation, foreign_board_member)
    client = ApiClient(board_member)
    assert {row["id"] for row in _results(client.get(MEASURES))} == {planned.pk, done.pk}
    assert [row["id"] for row in _results(client.get(f"{MEASURES}?status=done"))] == [done.pk]
    assert _results(ApiClient(named).get(MEASURES)) == []
    assert ApiClient(named).get(f"{MEASURES}{planned.pk}/").status_code == 404


def test_a_change_needs_the_etag_of_the_version_it_was_based_on(organisation, board_member):
    measure = _measure(organisation, board_member)
    client = ApiClient(board_member)
    url = f"{MEASURES}{measure.pk}/"
    change = {"status": "in_progress", "reason": "begonnen"}
    assert client.patch(url, change).status_code == 428
    assert client.patch(url, change, if_match="*").status_code == 428
    etag = client.get(url)["ETag"]
    response = client.patch(url, change, if_match=etag)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "in_progress"
    assert response["ETag"] != etag
    measure.refresh_from_db()
    assert measure.status == MaturityMeasure.Status.IN_PROGRESS
    assert measure.history.first().history_change_reason == "begonnen"
    # The old version is gone: a second change from it would overwrite the first.
    stale = client.patch(url, {"status": "dropped", "reason": "doch nicht"}, if_match=etag)
    assert stale.status_code == 412
    measure.refresh_from_db()
    assert measure.status == MaturityMeasure.Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"status": "forgotten", "reason": "x"}, "status"),
        ({"organisation": "elsewhere", "reason": "x"}, "organisation"),
        ({"id": 5, "reason": "x"}, "id"),
        ({"title": ""}, "title"),
        ({"status": "done"}, "reason"),
    ],
)
def test_a_bad_change_is_refused_naming_the_field_and_changes_nothing(
    organisation, board_member, change, field
):
    measure = _measure(organisation, board_member)
    client = ApiClient(board_member)
    url = f"{MEASURES}{measure.pk}/"
    versions = measure.history.count()
    response = client.patch(url, change, if_match=client.get(url)["ETag"])
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert measure.history.count() == versions


def test_another_boards_measure_cannot_be_changed(organisation, board_member, foreign_board_member):
    measure = _measure(organisation, board_member)
    etag = ApiClient(board_member).get(f"{MEASURES}{measure.pk}/")["ETag"]
    response = ApiClient(foreign_board_member).patch(
        f"{MEASURES}{measure.pk}/", {"status": "done", "reason": "x"}, if_match=etag
    )
    assert response.status_code == 404
    measure.refresh_from_db()
    assert measure.status == MaturityMeasure.Status.PLANNED


def test_measures_take_no_put_and_no_delete(organisation, board_member):
    measure = _measure(organisation, board_member)
    client = ApiClient(board_member)
    assert client.put(f"{MEASURES}{measure.pk}/", {"title": "x"}).status_code == 405
    assert client.delete(f"{MEASURES}{measure.pk}/").status_code == 405
    assert MaturityMeasure.objects.filter(pk=measure.pk).exists()


def test_fields_narrow_the_representation_and_unknown_ones_are_named(board_member, assessment):
    client = ApiClient(board_member)
    rows = _results(client.get(f"{READINESS}?fields=id,levels"))
    assert rows == [{"id": assessment.pk, "levels": rows[0]["levels"]}]
    response = client.get(f"{READINESS}?fields=id,password")
    assert response.status_code == 400
    assert "password" in response.json()["errors"]["fields"][0]
