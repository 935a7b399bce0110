"""Decision after information: the record comes before the action, the submitter's note is shown,
and who submitted is told who decides instead of being offered a form that would refuse them."""

import pytest
from django.urls import reverse

from governance import services

pytestmark = pytest.mark.django_db


def test_the_submitter_is_not_offered_the_decide_form_but_told_who_decides(
    client, board_member, second_board_member, classified_use_case, iso
):
    services.submit_use_case(classified_use_case, actor=board_member)
    services.sign_off_use_case(classified_use_case, actor=iso, role="iso", verdict="agree")
    client.force_login(board_member)
    url = reverse("admin:registry_usecase_decide", args=[classified_use_case.pk])
    content = client.get(url).content.decode()
    assert "Entscheidung speichern" not in content
    assert "entscheiden muss ein anderes Mitglied des KI-Gremiums" in content
    assert str(second_board_member) in content
    client.force_login(second_board_member)
    assert "Entscheidung speichern" in client.get(url).content.decode()


def test_the_sign_off_page_shows_the_note_then_the_record_then_the_vote(
    client, classified_use_case, department_head, iso
):
    services.submit_use_case(
        classified_use_case, actor=department_head, note="Bitte Hosting prüfen."
    )
    client.force_login(iso)
    content = client.get(f"/arbeitsbereich/{classified_use_case.pk}/votum/iso/").content.decode()
    assert "Bitte Hosting prüfen." in content
    assert content.index("Bitte Hosting prüfen.") < content.index("Angaben des Fachbereichs")
    assert content.index("Angaben des Fachbereichs") < content.index('id="verdict-title"')


def test_the_summary_shows_the_record_before_the_submit_form(
    client, classified_use_case, department_head
):
    client.force_login(department_head)
    content = client.get(f"/arbeitsbereich/{classified_use_case.pk}/").content.decode()
    assert content.index("Ihre Angaben") < content.index('id="submit-title"')


def test_the_admin_index_lists_what_waits_for_my_decision_not_my_own_submissions(
    client, board_member, second_board_member, classified_use_case, iso
):
    services.submit_use_case(classified_use_case, actor=board_member)
    services.sign_off_use_case(classified_use_case, actor=iso, role="iso", verdict="agree")
    decide = reverse("admin:registry_usecase_decide", args=[classified_use_case.pk])
    client.force_login(second_board_member)
    content = client.get("/admin/").content.decode()
    assert "Wartet auf Ihre Entscheidung" in content and f'href="{decide}"' in content
    client.force_login(board_member)  # who submitted does not decide
    assert f'href="{decide}"' not in client.get("/admin/").content.decode()
