"""The public record holds public fields only, honours withheld groups, and keeps a change log."""

from governance import services as governance_services
from registry import services
from registry.models import PublishedUseCase, UseCase
from registry.publication import publish_use_case, withdraw_use_case

INTERNAL_FIELDS = {
    "technical_contact",
    "residual_risk_note",
    "dpia_reference",
    "dpia_not_needed_reason",
    "fria_reference",
    "security_concept_status",
    "security_concept_reference",
    "service_agreement",
    "staff_council_status",
    "workflow_state",
    "retention",
}


def test_the_public_record_has_no_internal_field():
    public = {f.name for f in PublishedUseCase._meta.get_fields()}
    internal = {f.name for f in UseCase._meta.get_fields()} - public
    assert internal >= INTERNAL_FIELDS


def test_publishing_copies_public_fields_and_children(board_member, use_case):
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="x",
        key="legal_bases",
        rows=[{"law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e"}],
    )
    record = publish_use_case(use_case, actor=board_member, reason="freigegeben")
    assert record.title == use_case.title
    assert record.department_name == use_case.department.name
    assert record.legal_bases == [{"law": "DSGVO", "provision": "Art. 6 Abs. 1 lit. e", "url": ""}]
    assert record.history.get().history_change_reason == "freigegeben"


def test_a_withheld_group_is_emptied_and_its_reason_published(board_member, use_case):
    governance_services.change_use_case(
        use_case, actor=board_member, reason="x", interfaces="SAP-Modul X"
    )
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="x",
        key="withheld_fields",
        rows=[{"field": "interfaces", "reason": "Schutz der IT-Sicherheit"}],
    )
    record = publish_use_case(use_case, actor=board_member, reason="freigegeben")
    assert record.interfaces == ""
    assert record.withheld == {"interfaces": "Schutz der IT-Sicherheit"}


def test_changes_reach_the_public_record_only_when_published_again(board_member, use_case):
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    governance_services.change_use_case(
        use_case, actor=board_member, reason="x", title="Neuer Titel"
    )
    assert PublishedUseCase.objects.get(use_case=use_case).title == "Wohngeld-Vorprüfung"
    publish_use_case(use_case, actor=board_member, reason="Änderung freigegeben")
    record = PublishedUseCase.objects.get(use_case=use_case)
    assert record.title == "Neuer Titel"
    newest, previous = record.history.all()[:2]
    changes = newest.diff_against(previous, excluded_fields=["published_at"]).changes
    assert [c.field for c in changes] == ["title"]


def test_an_internal_use_case_is_withdrawn_and_its_log_kept(board_member, use_case):
    publish_use_case(use_case, actor=board_member, reason="freigegeben")
    governance_services.change_use_case(
        use_case, actor=board_member, reason="intern", is_published=False
    )
    assert publish_use_case(use_case, actor=board_member, reason="intern") is None
    assert not PublishedUseCase.objects.exists()
    assert PublishedUseCase.history.filter(history_type="-").count() == 1


def test_withdrawing_an_unpublished_use_case_does_nothing(board_member, use_case):
    withdraw_use_case(use_case, actor=board_member, reason="x")
    assert not PublishedUseCase.history.exists()


def test_withholding_the_data_and_oversight_groups_publishes_no_yes_no_answer(
    board_member, use_case
):
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason="x",
        key="withheld_fields",
        rows=[
            {"field": "data", "reason": "Schutz laufender Ermittlungen"},
            {"field": "oversight", "reason": "Sicherheit"},
        ],
    )
    record = publish_use_case(use_case, actor=board_member, reason="freigegeben")
    assert record.processes_personal_data is None
    assert record.oversight_can_stop is None
    assert set(record.withheld) == {"data", "oversight"}
