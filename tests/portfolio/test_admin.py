"""The portfolio in the admin: the board reads its own records, the operator all, nobody writes."""

import pytest
from django.test import Client

from accounts.models import User
from portfolio import services
from portfolio.models import CandidateRating
from tests.portfolio.conftest import measure

pytestmark = pytest.mark.django_db

MODELS = ("candidaterating", "indicator", "measurement")


def _records(use_case, board):
    rating = services.rate_candidate(use_case, actor=board, benefit=4, effort=2)
    measurement = measure(use_case, board, "processing_time", "baseline", 40, "12")
    return {
        "candidaterating": rating,
        "indicator": measurement.indicator,
        "measurement": measurement,
    }


@pytest.fixture
def records(use_case, board_member):
    return _records(use_case, board_member)


@pytest.fixture
def foreign_records(foreign_use_case, foreign_board_member):
    return _records(foreign_use_case, foreign_board_member)


def _client(user):
    client = Client()
    client.force_login(user)
    return client


def _listed(client, model):
    response = client.get(f"/admin/portfolio/{model}/")
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
    own = records[model].pk
    assert client.get(f"/admin/portfolio/{model}/{own}/change/").status_code == 200
    history = client.get(f"/admin/portfolio/{model}/{own}/history/")
    assert f"Änderungsverlauf: {records[model]}" in history.content.decode()
    foreign = foreign_records[model].pk
    assert client.get(f"/admin/portfolio/{model}/{foreign}/change/").status_code == 404
    assert client.get(f"/admin/portfolio/{model}/{foreign}/history/").status_code == 404


def test_the_auditor_reads_the_portfolio_in_the_admin_and_a_head_does_not(
    auditor, department_head, records, foreign_records
):
    auditor.is_staff = True
    auditor.save()
    client = _client(auditor)
    assert _listed(client, "candidaterating") == {records["candidaterating"].pk}
    foreign = foreign_records["candidaterating"].pk
    assert client.get(f"/admin/portfolio/candidaterating/{foreign}/change/").status_code == 404
    department_head.is_staff = True
    department_head.save()
    assert _client(department_head).get("/admin/portfolio/candidaterating/").status_code == 403


@pytest.mark.parametrize("who", ["board_member", "auditor", "operator"])
def test_nobody_changes_a_rating_in_the_admin(request, who, records, use_case):
    user = (
        User.objects.create_superuser("betrieb", "betrieb@example.org", "x")
        if who == "operator"
        else request.getfixturevalue(who)
    )
    if not user.is_staff:
        user.is_staff = True
        user.save()
    client = _client(user)
    rating = records["candidaterating"]
    response = client.post(
        f"/admin/portfolio/candidaterating/{rating.pk}/change/",
        {"use_case": use_case.pk, "benefit": 1, "effort": 5, "note": "umgeschrieben"},
    )
    assert response.status_code == 403
    assert client.post("/admin/portfolio/indicator/add/", {}).status_code == 403
    delete = client.post(
        f"/admin/portfolio/measurement/{records['measurement'].pk}/delete/", {"post": "yes"}
    )
    assert delete.status_code == 403
    rating.refresh_from_db()
    assert (rating.benefit, rating.effort) == (4, 2)
    assert CandidateRating.history.count() == 1
    assert records["measurement"].__class__.objects.filter(pk=records["measurement"].pk).exists()
