"""The facts added for the transparency standards are public by default and withholdable."""

import json

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from registry import services
from registry.models import UseCase
from tests.conftest import make_use_case
from tests.public.conftest import Publish

FACTS = {
    "policy_area": UseCase.PolicyArea.SOCIAL_SECURITY,
    "benefit": "Anträge werden schneller beschieden.",
    "previous_process": "Sachbearbeitung prüfte jeden Antrag von Hand.",
    "alternatives_considered": "Mehr Personal; verworfen wegen Fachkräftemangel.",
    "deployer_address": "Rathausplatz 1, 12345 Lindenfeld",
    "deployer_representative": "Hauptamt, Digitalisierung",
    "training_data": "Anonymisierte Anträge 2020–2024.",
    "processing_register_reference": "VVT-Nr. 42",
    "model_task": "Ordnet Anträge Sachgebieten zu.",
    "model_version": "2.3",
    "model_limitations": "Handschrift wird schlecht erkannt.",
    "provider_eu_database_url": "https://ai-act-db.example.eu/entry/7",
    "risks_and_mitigations": "Fehlzuordnung; jede Zuordnung wird geprüft.",
    "impact_on_affected": "Keine Entscheidung ohne Menschen.",
    "dpia_summary": "Geringes Restrisiko nach Pseudonymisierung.",
    "fria_summary": "Keine Grundrechte erheblich berührt.",
}


@pytest.fixture
def facts_use_case(department_head, department):
    return make_use_case(department_head, department, "Posteingang mit KI", **FACTS)


def test_published_record_carries_every_new_fact_and_the_default_licence(facts_use_case, publish):
    record = publish(facts_use_case)
    for name, value in FACTS.items():
        assert getattr(record, name) == value, name
    assert record.open_data_licence == UseCase.OpenDataLicence.DL_DE_BY


def test_public_page_json_csv_and_api_show_the_facts(client, facts_use_case, publish):
    publish(facts_use_case)
    page = client.get(reverse("registry:use_case", args=[facts_use_case.pk])).content.decode()
    assert "Fehlzuordnung; jede Zuordnung wird geprüft." in page
    assert "https://ai-act-db.example.eu/entry/7" in page
    document = json.loads(b"".join(client.get(reverse("registry:register_json")).streaming_content))
    entry = document["use_cases"][0]
    assert entry["policy_area"] == "social_security"
    assert entry["fria_summary"] == FACTS["fria_summary"]
    csv_text = b"".join(client.get(reverse("registry:register_csv")).streaming_content).decode()
    assert "VVT-Nr. 42" in csv_text
    api = client.get("/api/v1/public/use-cases/").json()["results"][0]
    assert api["deployer_representative"] == "Hauptamt, Digitalisierung"


def test_withheld_risk_group_empties_the_risk_facts_everywhere(
    client, facts_use_case, board_member, publish
):
    services.set_use_case_children(
        facts_use_case,
        actor=board_member,
        reason="Sicherheit",
        key="withheld_fields",
        rows=[{"field": "risks", "reason": "Angaben erleichtern Angriffe."}],
    )
    record = publish(facts_use_case)
    assert record.risks_and_mitigations == ""
    assert record.alternatives_considered == ""
    page = client.get(reverse("registry:use_case", args=[facts_use_case.pk])).content.decode()
    assert "Fehlzuordnung" not in page
    assert "Angaben erleichtern Angriffe." in page
    document = json.loads(b"".join(client.get(reverse("registry:register_json")).streaming_content))
    assert document["use_cases"][0]["risks_and_mitigations"] is None
    # Facts of other groups stay public.
    assert document["use_cases"][0]["benefit"] == FACTS["benefit"]


def test_a_malformed_eu_database_address_is_refused_naming_the_field(department_head, department):
    with pytest.raises(ValidationError) as error:
        make_use_case(department_head, department, "X", provider_eu_database_url="kein Link")
    assert "provider_eu_database_url" in error.value.message_dict


def test_json_schema_describes_the_new_facts(client):
    schema = client.get(reverse("registry:schema_v1")).json()
    properties = schema["$defs"]["use_case"]["properties"]
    assert "social_security" in properties["policy_area"]["enum"]
    assert properties["risks_and_mitigations"]["type"] == ["string", "null"]


def test_publish_without_facts_keeps_a_valid_record(use_case, publish: Publish):
    record = publish(use_case)
    assert record.benefit == ""
