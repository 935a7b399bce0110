"""Two people editing one use case at once: the second save is refused, nothing is overwritten."""

import pytest
from django.test import Client
from django.urls import reverse

from governance import services as governance
from governance.versions import use_case_version

pytestmark = pytest.mark.django_db


def _step_data(use_case, **overrides):
    data = {
        "title": use_case.title,
        "short_description": use_case.short_description,
        "purpose": use_case.purpose,
        "status": use_case.status,
        "department": use_case.department_id,
        "responsible_role": use_case.responsible_role,
        "note": "",
        "action": "save",
    }
    return {**data, **overrides}


def test_a_save_from_a_page_someone_else_changed_meanwhile_is_refused(
    department_head, board_member, use_case
):
    url = reverse("workspace:step", args=[use_case.pk, "grunddaten"])
    first, second = Client(), Client()
    first.force_login(department_head)
    second.force_login(board_member)
    version_first = first.get(url).context["version"]
    version_second = second.get(url).context["version"]
    assert version_first == version_second

    saved = second.post(
        url, _step_data(use_case, purpose="Zweck des Gremiums", version=version_second)
    )
    assert saved.status_code == 302

    stale = first.post(
        url, _step_data(use_case, purpose="Zweck der Amtsleitung", version=version_first)
    )
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "Inzwischen hat jemand anderes" in page
    # Who changed what meanwhile, and what this person typed is still in the form.
    assert "Zweck" in page
    assert str(board_member) in page
    assert "Zweck der Amtsleitung" in page
    use_case.refresh_from_db()
    assert use_case.purpose == "Zweck des Gremiums"


def test_the_refused_page_carries_the_new_version_so_saving_again_is_deliberate(
    department_head, board_member, use_case
):
    url = reverse("workspace:step", args=[use_case.pk, "grunddaten"])
    client = Client()
    client.force_login(department_head)
    old = client.get(url).context["version"]
    governance.change_use_case(use_case, actor=board_member, reason="Zweck", purpose="Neu")
    refused = client.post(url, _step_data(use_case, purpose="Meins", version=old))
    assert refused.status_code == 409
    again = client.post(
        url, _step_data(use_case, purpose="Meins", version=refused.context["version"])
    )
    assert again.status_code == 302
    use_case.refresh_from_db()
    assert use_case.purpose == "Meins"


def test_a_change_to_a_child_row_or_the_questionnaire_moves_the_version(board_member, use_case):
    before = use_case_version(use_case.pk)
    governance.change_use_case(
        use_case,
        actor=board_member,
        reason="Grundlage",
        children={"legal_bases": [{"law": "DSGVO", "provision": "Art. 6"}]},
    )
    after_child = use_case_version(use_case.pk)
    governance.classify_use_case(use_case, actor=board_member, facts={"is_ai_system": True})
    assert len({before, after_child, use_case_version(use_case.pk)}) == 3


def test_the_service_refuses_an_outdated_version(department_head, board_member, use_case):
    version = use_case_version(use_case.pk)
    governance.change_use_case(use_case, actor=board_member, reason="r", purpose="A")
    with pytest.raises(governance.ConcurrentChange) as refused:
        governance.change_use_case(
            use_case, actor=department_head, reason="r", purpose="B", expected_version=version
        )
    assert [change.what for change in refused.value.changes] == ["Zweck"]
    use_case.refresh_from_db()
    assert use_case.purpose == "A"


def test_a_change_committed_while_the_page_is_read_makes_its_save_a_conflict(
    department_head, board_member, use_case, monkeypatch
):
    """Found by the write benchmark at tier L (one lost update in 128 accepted writes): the page
    read the use case, another save committed, then the page read the version, so it showed
    the old data with the new version and its save overwrote the other one unseen. The
    version is now read first; here the other save commits right after the use case is read."""
    from workspace import views

    real = views.selectors.use_case_for_form

    def read_then_someone_saves(*args, **kwargs):
        found = real(*args, **kwargs)
        monkeypatch.setattr(views.selectors, "use_case_for_form", real)
        governance.change_use_case(
            use_case, actor=board_member, reason="Zweck", purpose="Zweck des Gremiums"
        )
        return found

    monkeypatch.setattr(views.selectors, "use_case_for_form", read_then_someone_saves)
    url = reverse("workspace:step", args=[use_case.pk, "grunddaten"])
    client = Client()
    client.force_login(department_head)
    shown = client.get(url)
    assert shown.context["form"]["purpose"].value() != "Zweck des Gremiums"
    refused = client.post(
        url, _step_data(use_case, purpose="Zweck der Amtsleitung", version=shown.context["version"])
    )
    assert refused.status_code == 409
    use_case.refresh_from_db()
    assert use_case.purpose == "Zweck des Gremiums"
