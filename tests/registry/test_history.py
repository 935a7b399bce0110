"""Every change to use cases, their child rows and AI systems leaves who, when and why."""

import pytest
from django.core.management import call_command

from governance import services as governance_services
from registry import history, services
from registry.models import AISystem, DataSource, LegalBasis, PublicService, UseCase, WithheldField


def test_creating_a_use_case_records_actor_and_reason(department_head, department):
    use_case = services.create_use_case(
        actor=department_head,
        department=department,
        reason="Erstmals erfasst",
        title="Posteingang",
        short_description="Kurz.",
        purpose="Zweck.",
        responsible_role="Hauptamt",
    )
    record = use_case.history.get()
    assert record.history_type == "+"
    assert record.history_user == department_head
    assert record.history_change_reason == "Erstmals erfasst"
    assert record.history_date is not None


def test_a_change_records_the_previous_and_new_values(department_head, use_case):
    governance_services.change_use_case(
        use_case, actor=department_head, reason="Präzisiert", purpose="Neu"
    )
    newest, previous = use_case.history.all()[:2]
    delta = newest.diff_against(previous)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("purpose", "Kürzere Bearbeitungszeiten.", "Neu")
    ]
    assert newest.history_user == department_head
    assert newest.history_change_reason == "Präzisiert"


def test_an_unchanged_save_leaves_no_empty_version(department_head, use_case):
    governance_services.change_use_case(
        use_case, actor=department_head, reason="nichts", purpose=use_case.purpose
    )
    assert use_case.history.count() == 1


@pytest.mark.parametrize(
    ("key", "model", "row"),
    [
        ("legal_bases", LegalBasis, {"law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e"}),
        ("data_sources", DataSource, {"name": "Antragsdaten", "register": "Melderegister"}),
        ("public_services", PublicService, {"leika_key": "99107002000000", "name": "Wohngeld"}),
        ("withheld_fields", WithheldField, {"field": "interfaces", "reason": "IT-Sicherheit"}),
    ],
)
def test_child_rows_have_their_own_history(department_head, use_case, key, model, row):
    services.set_use_case_children(
        use_case, actor=department_head, reason="ergänzt", key=key, rows=[row]
    )
    child = model.objects.get(use_case=use_case)
    first_field = next(iter(row))
    services.set_use_case_children(
        use_case,
        actor=department_head,
        reason="korrigiert",
        key=key,
        rows=[{**row, "id": child.pk, first_field: row[first_field]}],
    )
    services.set_use_case_children(
        use_case, actor=department_head, reason="entfernt", key=key, rows=[]
    )
    records = model.history.filter(id=child.pk).order_by("history_date")
    assert [(r.history_type, r.history_change_reason) for r in records] == [
        ("+", "ergänzt"),
        ("-", "entfernt"),
    ]
    assert {r.history_user for r in records} == {department_head}


def test_a_changed_child_row_is_recorded_as_a_change(department_head, use_case):
    services.set_use_case_children(
        use_case,
        actor=department_head,
        reason="ergänzt",
        key="legal_bases",
        rows=[{"law": "DSGVO", "provision": "Art. 6"}],
    )
    legal_basis = use_case.legal_bases.get()
    services.set_use_case_children(
        use_case,
        actor=department_head,
        reason="präzisiert",
        key="legal_bases",
        rows=[{"id": legal_basis.pk, "law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e"}],
    )
    newest = legal_basis.history.first()
    assert newest.history_type == "~"
    assert newest.provision == "Art. 6 Abs. 1 lit. e"


def test_deleting_a_use_case_keeps_its_history(board_member, use_case):
    pk = use_case.pk
    services.delete_use_case(use_case, actor=board_member, reason="Doppelt erfasst")
    deletion = UseCase.history.filter(id=pk).first()
    assert deletion.history_type == "-"
    assert deletion.history_user == board_member
    assert deletion.history_change_reason == "Doppelt erfasst"


def test_ai_system_changes_are_recorded(board_member, ai_system):
    services.update_ai_system(
        ai_system, actor=board_member, reason="Modellwechsel", model_name="Mistral Large 2"
    )
    newest = ai_system.history.first()
    assert newest.model_name == "Mistral Large 2"
    assert newest.history_user == board_member
    assert newest.history_change_reason == "Modellwechsel"


@pytest.mark.django_db
def test_changes_made_by_a_management_command_are_recorded():
    call_command("load_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    use_case = UseCase.objects.get(title="Wohngeld-Vorprüfung")
    record = use_case.history.get()
    assert record.history_user.username == "gremium"
    assert record.history_change_reason == "Demo-Daten"
    assert all(r.history_user for r in LegalBasis.history.filter(use_case_id=use_case.pk))
    assert all(r.history_user for r in AISystem.history.all())


def test_a_change_without_reason_is_refused(department_head, use_case):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        governance_services.change_use_case(
            use_case, actor=department_head, reason=" ", purpose="Neu"
        )
    assert "reason" in exc.value.message_dict
    assert use_case.history.count() == 1


def test_a_field_diff_names_content_fields_only_with_old_and_new_values(department_head, use_case):
    governance_services.change_use_case(
        use_case, actor=department_head, reason="Präzisiert", purpose="Neu"
    )
    newest, previous = use_case.history.all()[:2]
    fields = history.compared_fields(UseCase)
    # updated_at changed too, but it is bookkeeping.
    assert history.field_changes(previous, newest, fields=fields) == [
        history.FieldChange("purpose", "Kürzere Bearbeitungszeiten.", "Neu")
    ]
    created = history.field_changes(None, previous, fields=fields)
    assert "purpose" in {change.name for change in created}
    # A new row's empty fields are no change.
    assert all(change.new not in ("", None) for change in created)
