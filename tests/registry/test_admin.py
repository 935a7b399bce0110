"""The governance board's admin: scoped to its organisation, writes through the services."""

import pytest
from django.urls import reverse

from tests.conftest import admin_change_data


def _change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def _history_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_history", args=[obj.pk])


@pytest.fixture
def board_client(client, board_member):
    client.force_login(board_member)
    return client


def test_board_sees_its_organisations_use_cases_only(
    board_client, use_case, other_department_use_case, foreign_use_case
):
    response = board_client.get(reverse("admin:registry_usecase_changelist"))
    assert response.status_code == 200
    titles = {uc.title for uc in response.context["cl"].result_list}
    assert titles == {use_case.title, other_department_use_case.title}


@pytest.mark.parametrize("url_for", [_change_url, _history_url])
def test_another_organisations_use_case_is_not_found_in_the_admin(
    board_client, foreign_use_case, url_for
):
    response = board_client.get(url_for(foreign_use_case))
    assert response.status_code == 404


def test_a_missing_use_case_looks_the_same_as_a_foreign_one(board_client, foreign_use_case):
    missing = reverse("admin:registry_usecase_change", args=[foreign_use_case.pk + 1000])
    assert board_client.get(missing).status_code == 404


def test_the_history_of_a_deleted_foreign_use_case_is_not_found(
    board_client, foreign_use_case, foreign_board_member
):
    from registry.services import delete_use_case

    url = _history_url(foreign_use_case)
    delete_use_case(foreign_use_case, actor=foreign_board_member, reason="weg")
    assert board_client.get(url).status_code == 404


def test_another_organisations_ai_system_is_not_found(board_client, foreign_ai_system):
    assert board_client.get(_change_url(foreign_ai_system)).status_code == 404
    assert board_client.get(_history_url(foreign_ai_system)).status_code == 404


def test_another_organisation_is_not_found(board_client, other_organisation):
    assert board_client.get(_change_url(other_organisation)).status_code == 404


@pytest.mark.parametrize("persona", ["department_head", "dpo", "iso", "staff_council", "outsider"])
def test_people_without_a_board_or_audit_role_do_not_get_into_the_admin(
    client, request, persona, use_case
):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reverse("admin:registry_usecase_changelist"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_auditor_reads_but_cannot_change(client, auditor, use_case):
    client.force_login(auditor)
    assert client.get(_change_url(use_case)).status_code == 200
    assert client.get(_history_url(use_case)).status_code == 200
    response = client.post(_change_url(use_case), {"title": "geändert"})
    assert response.status_code == 403
    use_case.refresh_from_db()
    assert use_case.title == "Wohngeld-Vorprüfung"


def test_board_changes_a_use_case_with_a_reason_and_history_records_it(
    board_client, board_member, use_case
):
    response = board_client.post(
        _change_url(use_case),
        admin_change_data(
            use_case,
            purpose="Neuer Zweck",
            **{
                "legal_bases-TOTAL_FORMS": "1",
                "legal_bases-0-law": "DSGVO",
                "legal_bases-0-provision": "Art. 6 Abs. 1 lit. e",
            },
        ),
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    use_case.refresh_from_db()
    assert use_case.purpose == "Neuer Zweck"
    newest = use_case.history.first()
    assert (newest.history_user, newest.history_change_reason) == (board_member, "Zweck präzisiert")
    legal_basis = use_case.legal_bases.get()
    assert legal_basis.history.get().history_user == board_member


def test_the_admin_refuses_a_change_without_reason(board_client, use_case):
    response = board_client.post(
        _change_url(use_case), admin_change_data(use_case, purpose="Neu", change_reason="")
    )
    assert response.status_code == 200
    assert "change_reason" in response.context["adminform"].form.errors
    use_case.refresh_from_db()
    assert use_case.purpose != "Neu"


def test_the_admin_refuses_a_malformed_leika_key_and_saves_nothing(board_client, use_case):
    response = board_client.post(
        _change_url(use_case),
        admin_change_data(
            use_case,
            purpose="Neu",
            **{
                "public_services-TOTAL_FORMS": "1",
                "public_services-0-leika_key": "123",
            },
        ),
    )
    assert response.status_code == 200
    assert "Ein LeiKa-Schlüssel besteht aus genau 14 Ziffern." in response.content.decode()
    use_case.refresh_from_db()
    assert use_case.purpose != "Neu"


def test_the_admin_offers_only_the_boards_own_departments(
    board_client, use_case, foreign_department
):
    response = board_client.post(
        _change_url(use_case), admin_change_data(use_case, department=foreign_department.pk)
    )
    assert response.status_code == 200
    assert "department" in response.context["adminform"].form.errors


def test_the_history_page_shows_the_change_and_its_reason(board_client, department_head, use_case):
    from governance.services import change_use_case

    change_use_case(use_case, actor=department_head, reason="Zweck präzisiert", purpose="Neu")
    response = board_client.get(_history_url(use_case))
    body = response.content.decode()
    assert "Zweck präzisiert" in body
    assert "Neu" in body


def test_board_grants_a_person_access_to_one_use_case(
    board_client, use_case, other_department_head
):
    from registry import permissions

    response = board_client.post(
        _change_url(use_case),
        admin_change_data(
            use_case,
            **{
                "access_grants-TOTAL_FORMS": "1",
                "access_grants-0-user": other_department_head.pk,
                "access_grants-0-permission": "change_usecase",
                "access_grants-0-reason": "Vertretung",
            },
        ),
    )
    assert response.status_code == 302
    assert permissions.user_has_perm(other_department_head, use_case, permissions.CHANGE)


def test_the_history_page_lists_changes_of_child_rows(board_client, department_head, use_case):
    from registry.services import set_use_case_children

    set_use_case_children(
        use_case,
        actor=department_head,
        reason="Rechtsgrundlage ergänzt",
        key="legal_bases",
        rows=[{"law": "SGB X", "provision": "§ 67b"}],
    )
    body = board_client.get(_history_url(use_case)).content.decode()
    assert "Rechtsgrundlage ergänzt" in body
    assert "§ 67b SGB X" in body
    assert "Rechtsgrundlage</td>" in body
