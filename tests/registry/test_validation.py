"""Bad input gets an error naming the field, in German, and nothing is saved."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from accounts import services as account_services
from accounts.models import Organisation
from governance import services as governance_services
from registry import services
from registry.models import LegalBasis, UseCase
from tests.conftest import USE_CASE_FIELDS


def _messages(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


@pytest.mark.django_db
@pytest.mark.parametrize("ags", ["1234567", "123456789", "0531500A", "", "05 31500"])
def test_a_malformed_ags_is_refused_and_nothing_saved(ags):
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        account_services.create_organisation(
            name="Stadt X", slug="x", ags=ags, actor=None, reason="Testdaten"
        )
    assert "ags" in _messages(exc)
    assert not Organisation.objects.exists()


def test_a_malformed_ags_message_is_german(db):
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        account_services.create_organisation(
            name="Stadt X", slug="x", ags="123", actor=None, reason="Testdaten"
        )
    assert _messages(exc)["ags"] == [
        "Der Amtliche Gemeindeschlüssel (AGS) besteht aus genau 8 Ziffern."
    ]


def test_a_duplicate_ags_is_refused(organisation):
    with pytest.raises(ValidationError) as exc:
        account_services.create_organisation(
            name="Doppelt", slug="doppelt", ags=organisation.ags, actor=None, reason="Testdaten"
        )
    assert "ags" in _messages(exc)


@pytest.mark.parametrize("key", ["9910700200000", "991070020000000", "9910700200000A"])
def test_a_malformed_leika_key_is_refused_and_nothing_saved(department_head, department, key):
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        services.create_use_case(
            actor=department_head,
            department=department,
            title="Wohngeld",
            children={"public_services": [{"leika_key": key, "name": "Wohngeld"}]},
            **USE_CASE_FIELDS,
        )
    assert (
        "Ein LeiKa-Schlüssel besteht aus genau 14 Ziffern."
        in (_messages(exc)["public_services-0-leika_key"])
    )
    # The use case saved before its child rows is rolled back with them.
    assert not UseCase.objects.exists()


def test_an_end_date_before_the_start_date_is_refused(department_head, department):
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        services.create_use_case(
            actor=department_head,
            department=department,
            title="Wohngeld",
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 4, 30),
            **USE_CASE_FIELDS,
        )
    assert _messages(exc)["end_date"] == ["Das Ende darf nicht vor dem Beginn liegen."]
    assert not UseCase.objects.exists()


def test_an_end_date_before_the_start_date_is_refused_on_change(department_head, use_case):
    with pytest.raises(ValidationError):
        governance_services.change_use_case(
            use_case,
            actor=department_head,
            reason="Termine",
            start_date=datetime.date(2026, 5, 1),
            end_date=datetime.date(2026, 1, 1),
        )
    use_case.refresh_from_db()
    assert use_case.start_date is None
    assert use_case.history.count() == 1


def test_another_organisations_department_is_refused(board_member, use_case, foreign_department):
    with pytest.raises(ValidationError) as exc:
        governance_services.change_use_case(
            use_case, actor=board_member, reason="verschoben", department=foreign_department
        )
    assert "department" in _messages(exc)
    use_case.refresh_from_db()
    assert use_case.department.organisation_id == use_case.organisation_id


def test_another_organisations_ai_system_is_refused(department_head, use_case, foreign_ai_system):
    with translation.override("de"), pytest.raises(ValidationError) as exc:
        governance_services.change_use_case(
            use_case, actor=department_head, reason="System", ai_system=foreign_ai_system
        )
    assert _messages(exc)["ai_system"] == ["Das KI-System gehört zu einer anderen Organisation."]
    use_case.refresh_from_db()
    assert use_case.ai_system is None


def test_an_overlong_short_description_is_refused(department_head, use_case):
    with pytest.raises(ValidationError) as exc:
        governance_services.change_use_case(
            use_case, actor=department_head, reason="länger", short_description="x" * 401
        )
    assert "short_description" in _messages(exc)


def test_an_unknown_field_is_refused(department_head, use_case):
    with pytest.raises(ValidationError) as exc:
        governance_services.change_use_case(
            use_case, actor=department_head, reason="x", colour="blau"
        )
    assert "colour" in _messages(exc)


def test_the_workflow_state_cannot_be_set_by_an_edit(department_head, use_case):
    with pytest.raises(ValidationError) as exc:
        governance_services.change_use_case(
            use_case, actor=department_head, reason="x", workflow_state="approved"
        )
    assert "workflow_state" in _messages(exc)


def test_a_child_row_of_another_use_case_cannot_be_hijacked(
    department_head, use_case, board_member, other_department_use_case
):
    services.set_use_case_children(
        other_department_use_case,
        actor=board_member,
        reason="x",
        key="legal_bases",
        rows=[{"law": "SGB X", "provision": "§ 67"}],
    )
    foreign_row = other_department_use_case.legal_bases.get()
    with pytest.raises(ValidationError):
        services.set_use_case_children(
            use_case,
            actor=department_head,
            reason="x",
            key="legal_bases",
            rows=[{"id": foreign_row.pk, "law": "DSGVO", "provision": "Art. 6"}],
        )
    assert LegalBasis.objects.get(pk=foreign_row.pk).law == "SGB X"


def test_english_users_get_english_messages(db):
    with translation.override("en"):
        with pytest.raises(ValidationError) as exc:
            account_services.create_organisation(
                name="Stadt X", slug="x", ags="123", actor=None, reason="Testdaten"
            )
        # Messages are lazy: they take the language active when they are read.
        assert _messages(exc)["ags"] == [
            "The official municipality key (AGS) consists of exactly 8 digits."
        ]
