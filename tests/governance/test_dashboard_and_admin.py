"""The board's dashboard at /gremium/ and its decision in the admin."""

import pytest
from django.urls import reverse

from accounts.models import Membership
from accounts.services import grant_role
from governance.models import Decision
from registry.models import UseCase
from tests.conftest import admin_change_data
from tests.governance.conftest import reload

DASHBOARD = "/gremium/"


def test_the_dashboard_is_named_in_the_governance_namespace():
    assert reverse("governance:dashboard") == DASHBOARD


def test_anonymous_visitors_are_sent_to_the_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


@pytest.mark.parametrize(
    "persona", ["department_head", "dpo", "iso", "staff_council", "auditor", "outsider"]
)
def test_only_the_board_sees_the_dashboard(client, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(DASHBOARD).status_code == 403


def test_the_board_sees_counts_overdue_reviews_obligations_and_decisions(
    client, board_member, approved_use_case, other_department_use_case, foreign_use_case
):
    client.force_login(board_member)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    content = response.content.decode()
    assert "Nach Bearbeitungsstand" in content
    assert "Nach Risikoklasse" in content
    assert "Nutzen belegt" in content  # the recent decision's rationale
    assert "KI-Kompetenz des Personals" in content  # an open obligation
    assert foreign_use_case.title not in content
    states = {row["key"]: row["count"] for row in response.context["state_bars"]}
    assert states["approved"] == 1 and states["draft"] == 1


def test_another_organisations_dashboard_is_not_found(client, board_member, other_organisation):
    client.force_login(board_member)
    assert client.get(DASHBOARD, {"organisation": other_organisation.slug}).status_code == 404


def test_a_board_member_of_two_organisations_chooses_between_them(
    client, board_member, other_organisation, foreign_use_case
):
    grant_role(
        board_member,
        organisation=other_organisation,
        role=Membership.Role.BOARD,
        actor=None,
        reason="Testdaten",
    )
    client.force_login(board_member)
    response = client.get(DASHBOARD, {"organisation": other_organisation.slug})
    assert response.status_code == 200
    assert response.context["organisation"] == other_organisation
    assert 'name="organisation"' in response.content.decode()


def test_the_dashboard_needs_a_fixed_number_of_queries(
    client,
    board_member,
    approved_use_case,
    department_head,
    department,
    django_assert_max_num_queries,
):
    from tests.conftest import make_use_case

    client.force_login(board_member)
    for number in range(5):
        make_use_case(department_head, department, f"Fall {number}")
    # 20 for the governance lists, and at most 6 for the portfolio's section (top candidates,
    # outcome trend and series, measurements due; tests/portfolio checks that they do not grow).
    with django_assert_max_num_queries(26):
        assert client.get(DASHBOARD).status_code == 200


def test_the_admin_index_links_the_dashboard_for_the_board(client, board_member, auditor):
    client.force_login(board_member)
    assert DASHBOARD in client.get(reverse("admin:index")).content.decode()
    client.force_login(auditor)
    assert DASHBOARD not in client.get(reverse("admin:index")).content.decode()


def _decide_url(use_case: UseCase) -> str:
    return reverse("admin:registry_usecase_decide", args=[use_case.pk])


def test_the_board_decides_in_the_admin(client, board_member, signed_use_case):
    client.force_login(board_member)
    assert client.get(_decide_url(signed_use_case)).status_code == 200
    response = client.post(
        _decide_url(signed_use_case), {"outcome": "approved", "rationale": "Gut begründet"}
    )
    assert response.status_code == 302
    assert reload(signed_use_case).workflow_state == "approved"
    assert Decision.objects.get().decided_by == board_member


def test_the_admin_decision_shows_the_missing_sign_offs(client, board_member, submitted_use_case):
    client.force_login(board_member)
    response = client.post(
        _decide_url(submitted_use_case), {"outcome": "approved", "rationale": "ok"}
    )
    assert response.status_code == 200
    assert "Es fehlen noch Voten" in response.content.decode()
    assert reload(submitted_use_case).workflow_state == "submitted"


def test_the_admin_refuses_a_decision_on_the_boards_own_submission(
    client, board_member, classified_use_case, iso
):
    from governance import services

    services.submit_use_case(classified_use_case, actor=board_member)
    services.sign_off_use_case(classified_use_case, actor=iso, role="iso", verdict="agree")
    client.force_login(board_member)
    response = client.post(
        _decide_url(classified_use_case), {"outcome": "approved", "rationale": "ok"}
    )
    assert response.status_code == 200
    # Refused by the service; the page says who decides instead of offering the form again.
    assert "Sie haben diesen Anwendungsfall eingereicht" in response.content.decode()
    assert not Decision.objects.exists()


def test_a_foreign_boards_decision_page_is_not_found(client, foreign_board_member, signed_use_case):
    client.force_login(foreign_board_member)
    assert client.get(_decide_url(signed_use_case)).status_code == 404


def test_the_auditor_cannot_decide_in_the_admin(client, auditor, signed_use_case):
    client.force_login(auditor)
    assert (
        client.post(
            _decide_url(signed_use_case), {"outcome": "approved", "rationale": "ok"}
        ).status_code
        == 403
    )


def test_the_change_page_shows_the_governance_records(client, board_member, approved_use_case):
    client.force_login(board_member)
    content = client.get(
        reverse("admin:registry_usecase_change", args=[approved_use_case.pk])
    ).content.decode()
    assert "Risikoeinstufung (Fragebogen)" in content
    assert "Zustimmung" in content
    assert "Nutzen belegt" in content


def test_a_substantive_admin_change_sends_an_approved_use_case_back_to_review(
    client, second_board_member, approved_use_case
):
    client.force_login(second_board_member)
    url = reverse("admin:registry_usecase_change", args=[approved_use_case.pk])
    response = client.post(url, admin_change_data(approved_use_case, purpose="Neuer Zweck"))
    assert response.status_code == 302, response.context["adminform"].form.errors
    use_case = reload(approved_use_case)
    assert use_case.purpose == "Neuer Zweck"
    assert use_case.workflow_state == "submitted"
    assert use_case.submissions.first().submitted_by == second_board_member


def test_an_admin_change_of_child_rows_is_one_change_through_the_service(
    client, board_member, approved_use_case
):
    client.force_login(board_member)
    url = reverse("admin:registry_usecase_change", args=[approved_use_case.pk])
    data = admin_change_data(
        approved_use_case,
        **{
            "legal_bases-TOTAL_FORMS": "1",
            "legal_bases-0-law": "DSGVO",
            "legal_bases-0-provision": "Art. 6 Abs. 1 lit. e",
            "legal_bases-0-url": "",
        },
    )
    assert client.post(url, data).status_code == 302
    use_case = reload(approved_use_case)
    assert use_case.legal_bases.get().law == "DSGVO"
    assert use_case.workflow_state == "submitted"


def test_a_dashboard_list_shows_its_first_rows_and_how_many_there_are(
    client,
    board_member,
    approved_use_case,
    other_department_use_case,
    other_department_head,
    monkeypatch,
):
    from governance import services, views
    from tests.governance.conftest import HIGH_RISK

    services.classify_use_case(
        other_department_use_case, actor=other_department_head, facts=HIGH_RISK
    )
    client.force_login(board_member)
    everything = client.get(DASHBOARD).context["open_obligations"]
    assert everything.total > 1 and everything.more == 0
    monkeypatch.setattr(views, "DASHBOARD_LIST_LIMIT", 1)
    response = client.get(DASHBOARD)
    short = response.context["open_obligations"]
    assert len(short.rows) == 1 and short.total == everything.total
    assert short.rows[0].pk == everything.rows[0].pk
    assert f"Die ersten 1 von {everything.total}." in response.content.decode()


def test_a_short_list_counts_in_the_same_query(board_member, department_head, department):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from governance.views import DASHBOARD_LIST_LIMIT, ShortList
    from tests.conftest import make_use_case

    for number in range(DASHBOARD_LIST_LIMIT + 2):
        make_use_case(department_head, department, f"Fall {number}")
    with CaptureQueriesContext(connection) as queries:
        short = ShortList.of(UseCase.objects.order_by("pk"))
    assert len(queries) == 1
    assert len(short.rows) == DASHBOARD_LIST_LIMIT and short.total == DASHBOARD_LIST_LIMIT + 2
    assert short.more == 2
    assert ShortList.of(UseCase.objects.none()).total == 0
