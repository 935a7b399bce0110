"""The maturity records in the admin: the board reads its own, the operator all, nobody writes."""

import datetime

import pytest
from django.test import Client

from accounts.models import User
from maturity import services
from maturity.models import MaturityMeasure
from maturity.questionnaires import ASKED_CRITERIA
from tests.maturity.conftest import answers

pytestmark = pytest.mark.django_db

MODELS = ("readinessassessment", "serviceassessment", "maturitymeasure", "answerernomination")


def _records(organisation, board, person):
    """One record of each maturity model in the organisation, by model name."""
    return {
        "readinessassessment": services.record_readiness_assessment(
            organisation, answers=answers(), actor=board
        ),
        "serviceassessment": services.record_service_assessment(
            organisation,
            leika_key="99107002000000",
            answers={c.key: 3 for c in ASKED_CRITERIA},
            use_case_support={},
            actor=board,
        ),
        "maturitymeasure": services.create_measure(
            organisation,
            actor=board,
            reason="Klausur",
            dimension="process_clarity",
            title="Prozesse modellieren",
            owner_role="Hauptamt",
            due_date=datetime.date(2027, 5, 1),
        ),
        "answerernomination": services.nominate_answerer(
            organisation, user=person, scope="readiness", actor=board, reason="zuständig"
        ),
    }


@pytest.fixture
def records(organisation, board_member, department_head):
    return _records(organisation, board_member, department_head)


@pytest.fixture
def foreign_records(other_organisation, foreign_board_member, foreign_department_head):
    return _records(other_organisation, foreign_board_member, foreign_department_head)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _listed(client, model):
    response = client.get(f"/admin/maturity/{model}/")
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


@pytest.mark.parametrize("model", MODELS)
def test_the_operator_sees_every_organisations_records(model, records, foreign_records):
    operator = User.objects.create_superuser("betrieb", "betrieb@example.org", "x")
    assert _listed(_client(operator), model) == {records[model].pk, foreign_records[model].pk}


@pytest.mark.parametrize("model", MODELS)
def test_a_board_sees_its_own_records_and_not_another_organisations(
    model, records, foreign_records, board_member
):
    client = _client(board_member)
    assert _listed(client, model) == {records[model].pk}
    assert client.get(f"/admin/maturity/{model}/{records[model].pk}/change/").status_code == 200
    # Another organisation's record is missing, its history too.
    foreign = foreign_records[model].pk
    assert client.get(f"/admin/maturity/{model}/{foreign}/change/").status_code == 404
    assert client.get(f"/admin/maturity/{model}/{foreign}/history/").status_code == 404


@pytest.mark.parametrize("model", MODELS)
def test_the_history_is_labelled_like_the_others(model, records, board_member):
    response = _client(board_member).get(f"/admin/maturity/{model}/{records[model].pk}/history/")
    assert response.status_code == 200
    assert f"Änderungsverlauf: {records[model]}" in response.content.decode()


def test_the_auditor_reads_maturity_in_the_admin(auditor, records, foreign_records):
    auditor.is_staff = True
    auditor.save()
    client = _client(auditor)
    assert _listed(client, "maturitymeasure") == {records["maturitymeasure"].pk}
    measure = records["maturitymeasure"].pk
    assert client.get(f"/admin/maturity/maturitymeasure/{measure}/change/").status_code == 200
    foreign = foreign_records["maturitymeasure"].pk
    assert client.get(f"/admin/maturity/maturitymeasure/{foreign}/change/").status_code == 404


@pytest.mark.parametrize("persona", ["department_head", "dpo"])
def test_others_of_the_organisation_do_not_see_maturity_in_the_admin(request, persona, records):
    user = request.getfixturevalue(persona)
    user.is_staff = True
    user.save()
    client = _client(user)
    assert client.get("/admin/maturity/maturitymeasure/").status_code == 403
    measure = records["maturitymeasure"].pk
    assert client.get(f"/admin/maturity/maturitymeasure/{measure}/change/").status_code in {
        403,
        404,
    }


@pytest.mark.parametrize("who", ["board_member", "auditor", "operator"])
def test_nobody_changes_adds_or_deletes_in_the_admin(request, who, records, organisation):
    user = (
        User.objects.create_superuser("betrieb", "betrieb@example.org", "x")
        if who == "operator"
        else request.getfixturevalue(who)
    )
    if not user.is_staff:
        user.is_staff = True
        user.save()
    client = _client(user)
    measure = records["maturitymeasure"]
    change = client.post(
        f"/admin/maturity/maturitymeasure/{measure.pk}/change/",
        {
            "organisation": organisation.pk,
            "dimension": "data_availability",
            "title": "Umgeschrieben",
            "owner_role": "x",
            "due_date": "2027-01-01",
            "status": "done",
        },
    )
    assert change.status_code == 403
    assert client.post("/admin/maturity/maturitymeasure/add/", {}).status_code == 403
    delete = client.post(f"/admin/maturity/maturitymeasure/{measure.pk}/delete/", {"post": "yes"})
    assert delete.status_code == 403
    measure.refresh_from_db()
    assert measure.title == "Prozesse modellieren"
    assert MaturityMeasure.objects.count() == 1
    assert measure.history.count() == 1
