"""Two people in the admin at once: a change form saved over an older version is refused."""

import pytest
from django.test import Client
from django.urls import reverse

from governance.services import change_use_case
from registry import services as registry_services
from registry.models import AISystem, UseCase
from tests.conftest import admin_change_data

pytestmark = pytest.mark.django_db


def _logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _ai_system_form(ai_system, **overrides):
    return {
        "organisation": ai_system.organisation_id,
        "name": ai_system.name,
        "vendor": ai_system.vendor,
        "product": ai_system.product,
        "model_name": ai_system.model_name,
        "technique": ai_system.technique,
        "hosting": ai_system.hosting,
        "description": ai_system.description,
        "change_reason": "Pflege",
        **overrides,
    }


def test_a_stale_ai_system_form_is_refused_and_keeps_what_was_typed(
    board_member, department_head, ai_system
):
    url = reverse("admin:registry_aisystem_change", args=[ai_system.pk])
    mine = _logged_in(board_member)
    loaded = mine.get(url).context["loaded_version"]
    registry_services.update_ai_system(
        ai_system, actor=department_head, reason="Anbieter gewechselt", vendor="Neuer Anbieter"
    )
    stale = mine.post(
        url, _ai_system_form(ai_system, vendor="Mein Anbieter", loaded_version=loaded)
    )
    assert stale.status_code == 200
    page = stale.content.decode()
    assert "Inzwischen hat jemand anderes diesen Datensatz geändert" in page
    assert str(department_head) in page
    assert "Mein Anbieter" in page
    ai_system.refresh_from_db()
    assert ai_system.vendor == "Neuer Anbieter"
    # The re-shown form carries the current version: saving again is a deliberate choice.
    again = mine.post(
        url,
        _ai_system_form(
            ai_system, vendor="Mein Anbieter", loaded_version=stale.context["loaded_version"]
        ),
    )
    assert again.status_code == 302
    assert AISystem.objects.get(pk=ai_system.pk).vendor == "Mein Anbieter"


def test_a_stale_use_case_form_is_refused(board_member, department_head, use_case):
    url = reverse("admin:registry_usecase_change", args=[use_case.pk])
    mine = _logged_in(board_member)
    loaded = mine.get(url).context["loaded_version"]
    change_use_case(
        use_case, actor=department_head, reason="Zweck", purpose="Zweck der Amtsleitung"
    )
    use_case.refresh_from_db()
    stale = mine.post(
        url, admin_change_data(use_case, purpose="Zweck des Gremiums", loaded_version=loaded)
    )
    assert stale.status_code == 200
    assert "Inzwischen hat jemand anderes" in stale.content.decode()
    assert UseCase.objects.get(pk=use_case.pk).purpose == "Zweck der Amtsleitung"


def test_a_current_version_saves(board_member, use_case):
    url = reverse("admin:registry_usecase_change", args=[use_case.pk])
    mine = _logged_in(board_member)
    loaded = mine.get(url).context["loaded_version"]
    saved = mine.post(url, admin_change_data(use_case, purpose="Neu", loaded_version=loaded))
    assert saved.status_code == 302
    assert UseCase.objects.get(pk=use_case.pk).purpose == "Neu"


def test_a_use_case_form_is_stale_when_a_child_row_changed_meanwhile(
    board_member, department_head, use_case
):
    url = reverse("admin:registry_usecase_change", args=[use_case.pk])
    mine = _logged_in(board_member)
    loaded = mine.get(url).context["loaded_version"]
    change_use_case(
        use_case,
        actor=department_head,
        reason="Grundlage",
        children={"legal_bases": [{"law": "DSGVO", "provision": "Art. 6"}]},
    )
    stale = mine.post(url, admin_change_data(use_case, purpose="Neu", loaded_version=loaded))
    assert stale.status_code == 200
    # The use case's own row did not change: only a version over its child rows sees this.
    assert "Inzwischen hat jemand anderes" in stale.content.decode()
    assert UseCase.objects.get(pk=use_case.pk).purpose != "Neu"


def test_a_change_committed_while_the_change_form_is_read_makes_its_save_stale(
    board_member, department_head, ai_system, monkeypatch
):
    """The change form's version is read before the object: a save committed in between makes
    the form stale instead of letting it overwrite that save unseen."""
    from django.contrib.admin import ModelAdmin

    real = ModelAdmin.get_object

    def read_then_someone_saves(self, request, object_id, from_field=None):
        found = real(self, request, object_id, from_field)
        monkeypatch.setattr(ModelAdmin, "get_object", real)
        registry_services.update_ai_system(
            ai_system, actor=department_head, reason="Anbieter gewechselt", vendor="Neuer Anbieter"
        )
        return found

    monkeypatch.setattr(ModelAdmin, "get_object", read_then_someone_saves)
    url = reverse("admin:registry_aisystem_change", args=[ai_system.pk])
    mine = _logged_in(board_member)
    shown = mine.get(url)
    assert shown.status_code == 200
    stale = mine.post(
        url,
        _ai_system_form(
            ai_system, vendor="Mein Anbieter", loaded_version=shown.context["loaded_version"]
        ),
    )
    assert stale.status_code == 200
    assert "Inzwischen hat jemand anderes diesen Datensatz geändert" in stale.content.decode()
    assert AISystem.objects.get(pk=ai_system.pk).vendor == "Neuer Anbieter"
