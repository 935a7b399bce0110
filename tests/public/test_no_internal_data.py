"""No internal field and no staff member's data reaches any public page, download or feed."""

import pytest
from django.db import models

from governance import services as governance_services
from registry import services
from registry.models import AISystem, PublishedUseCase, UseCase
from registry.publication import WITHHELD_GROUPS
from tests.conftest import make_use_case

PUBLIC_FIELDS = {f.name for f in PublishedUseCase._meta.get_fields()}
TEXT_FIELDS = (models.CharField, models.TextField)


def internal_text_fields() -> list[models.Field]:
    return [
        f
        for f in UseCase._meta.concrete_fields
        if isinstance(f, TEXT_FIELDS) and not f.choices and f.name not in PUBLIC_FIELDS
    ]


def sentinel(name: str) -> str:
    return f"SENTINEL{name.upper().replace('_', '')}X"


def test_every_internal_text_field_is_checked():
    names = {f.name for f in internal_text_fields()}
    assert names >= {
        "technical_contact",
        "retention",
        "residual_risk_note",
        "dpia_reference",
        "dpia_not_needed_reason",
        "fria_reference",
        "security_concept_reference",
        "service_agreement",
    }


@pytest.fixture
def secret_use_case(department_head, department, board_member, organisation):
    department_head.first_name, department_head.last_name = "Erika", "Geheimrath"
    department_head.save()
    ai_system = services.create_ai_system(
        actor=board_member,
        organisation=organisation,
        name="Interner Name",
        technique=AISystem.Technique.GENERATIVE,
        hosting=AISystem.Hosting.EU_CLOUD,
        description=sentinel("ai_system_description"),
    )
    fields = {f.name: sentinel(f.name) for f in internal_text_fields()}
    fields["dpia_status"] = "not_needed"
    use_case = make_use_case(
        department_head,
        department,
        "Öffentlicher Titel",
        ai_system=ai_system,
        interfaces=sentinel("interfaces_withheld"),
        purpose=sentinel("purpose_withheld"),
        legal_basis_explanation=sentinel("legal_withheld"),
        **fields,
    )
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason=sentinel("change_reason"),
        key="withheld_fields",
        rows=[
            {"field": group, "reason": f"Begründung {group}"}
            for group in ("interfaces", "purpose", "legal_basis", "ai_system")
        ],
    )
    services.set_use_case_children(
        use_case,
        actor=board_member,
        reason=sentinel("change_reason"),
        key="data_sources",
        rows=[{"name": "Melderegister", "description": "öffentlich"}],
    )
    from registry.publication import publish_use_case

    publish_use_case(use_case, actor=department_head, reason=sentinel("publish_reason"))
    governance_services.change_use_case(
        use_case, actor=board_member, reason="x", title="Geänderter Titel"
    )
    publish_use_case(use_case, actor=department_head, reason=sentinel("second_reason"))
    return use_case


def public_bodies(client, use_case) -> dict[str, str]:
    record = PublishedUseCase.objects.get(use_case=use_case)
    version = record.history.earliest("history_date")
    urls = [
        "/",
        "/?q=Titel",
        "/organisationen/",
        "/organisationen/lindenfeld/",
        f"/anwendungsfaelle/{use_case.pk}/",
        f"/anwendungsfaelle/{use_case.pk}/versionen/{version.history_id}/",
        f"/anwendungsfaelle/{use_case.pk}/widerspruch/",
        "/daten/register.csv",
        "/daten/register.json",
        "/organisationen/lindenfeld/daten/register.csv",
        "/organisationen/lindenfeld/daten/register.json",
        "/daten/aenderungen.atom",
        "/organisationen/lindenfeld/daten/aenderungen.atom",
        *(
            f"/api/{api}/public/use-cases/{path}"
            for api in ("v1", "v2")
            for path in ("", f"{use_case.pk}/", f"{use_case.pk}/changes/")
        ),
    ]
    bodies = {}
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        content = b"".join(response.streaming_content) if response.streaming else response.content
        bodies[url] = content.decode()
    return bodies


def test_no_internal_field_appears_in_any_public_format(client, secret_use_case):
    bodies = public_bodies(client, secret_use_case)
    assert "Geänderter Titel" in bodies[f"/anwendungsfaelle/{secret_use_case.pk}/"]
    for url, body in bodies.items():
        assert "SENTINEL" not in body, (url, body[body.find("SENTINEL") - 80 :][:200])


def test_withheld_groups_show_their_reasons(client, secret_use_case):
    html = public_bodies(client, secret_use_case)[f"/anwendungsfaelle/{secret_use_case.pk}/"]
    for group in ("interfaces", "purpose", "legal_basis", "ai_system"):
        assert f"Begründung {group}" in html
    assert set(WITHHELD_GROUPS) >= {"interfaces", "purpose", "legal_basis", "ai_system"}


def test_no_staff_member_appears_in_any_public_format(client, secret_use_case, department_head):
    for url, body in public_bodies(client, secret_use_case).items():
        for personal in ("Geheimrath", department_head.email, department_head.username + "@"):
            assert personal not in body, (url, personal)
