"""Every export validates against its standard's own schema, reads only public records and
keeps stable ids; the command and the public downloads give the same documents."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts import services as account_services
from accounts.models import Organisation
from interop.exports import FORMATS, annex_viii
from interop.exports.base import ExportContext
from registry.publication import publish_use_case
from tests.conftest import make_use_case
from tests.interop.schemas import (
    SPECIFICATION,
    WITH_CONVENTIONS,
    atrs_schema,
    eurocities_schema,
    nl_schema,
    validate_dcat,
    validate_json,
)

SITE = "https://ki.example.de"


def export(code: str, organisation=None) -> str:
    return "".join(FORMATS[code].write(ExportContext(site_url=SITE, organisation=organisation)))


def test_nl_export_validates_against_the_dutch_standard(published_register):
    document = json.loads(export("nl-algoritmeregister-1.0"))
    # The standard's language list offers only "nld"; the register's records are German, so
    # "deu" (ISO 639-3, as the standard asks) is the one documented deviation (README).
    assert validate_json(document, nl_schema(extra_languages=("deu",))) == []
    assert len(document) == 3
    full = next(d for d in document if d["name"] == "Wohngeld-Vorprüfung")
    assert full["publication_category"] == "Hoog-risico AI-systeem"
    assert full["category"] == ["Sociale zekerheid"]
    assert full["begin_date"] == "2025-03"
    assert full["lawful_basis_grouping"] == [
        {"title": "§ 1 WoGG", "link": "https://www.gesetze-im-internet.de/wogg/"}
    ]
    assert full["source_id"] == str(published_register[0].use_case_id)
    assert "LeiKa 99102011000000" in full["tags"]


def test_nl_export_fails_the_unmodified_language_list_only(published_register):
    # Pins the deviation: with the standard's list as it is, only "lang" is wrong.
    errors = validate_json(json.loads(export("nl-algoritmeregister-1.0")), nl_schema())
    assert errors and all("'lang'" in e for e in errors), errors


def test_eurocities_export_validates_against_the_standard(published_register):
    document = json.loads(export("eurocities-ats-0.3.1"))
    errors = validate_json(document, eurocities_schema())
    # What the public record cannot say, and no value of the standard's lists means "not
    # stated" (README): the chatbot's AI system is withheld, so its technique (which
    # algorithm_type and type derive from) is unknown; Birkenau's entry names no AI system and
    # no contact address.
    chatbot = next(i for i, d in enumerate(document) if d["name"] == "Chatbot")
    foreign = next(i for i, d in enumerate(document) if d["name"] == "Kreis-Posteingang")
    assert sorted(errors) == sorted(
        [
            f"[{chatbot}]: 'algorithm_type' is a required property",
            f"[{chatbot}]: 'type' is a required property",
            f"[{foreign}]: 'algorithm_type' is a required property",
            f"[{foreign}]: 'type' is a required property",
            f"[{foreign}, 'contact_email']: '' is not a 'email'",
        ]
    )
    full = next(d for d in document if d["name"] == "Wohngeld-Vorprüfung")
    assert full["risk_category"] == "high risk"
    assert full["domain"] == "subsidies, benefits and allowances"
    assert full["lang"] == "de"


def test_eurocities_uuid_is_stable_when_records_are_added(published_register, use_case):
    before = {d["keywords"]: d["uuid"] for d in json.loads(export("eurocities-ats-0.3.1"))}
    publish_use_case(use_case, actor=None, reason="neu")
    after = {d["keywords"]: d["uuid"] for d in json.loads(export("eurocities-ats-0.3.1"))}
    assert len(after) == len(before) + 1
    assert {key: after[key] for key in before} == before


def test_atrs_export_validates_against_the_uk_standard(published_register):
    document = json.loads(export("uk-atrs"))
    assert validate_json(document, atrs_schema()) == []
    assert len(document) == 3
    full = next(d for d in document if d["title_information"]["title"] == "Wohngeld-Vorprüfung")
    assert full["metadata"]["id"] == published_register[0].use_case_id
    assert full["metadata"]["standard_version"] == "4.0"
    assert full["title_information"]["phase"] == "Production"
    assert full["title_information"]["region"] == "International"
    assert full["owner_and_responsibility"]["organisation_or_department"] == "Stadt Lindenfeld"
    assert "LeiKa 99102011000000" in full["description_and_rationale"]["detailed_description"]
    assert "§ 1 WoGG" in full["description_and_rationale"]["detailed_description"]


def test_atrs_export_fails_the_schema_when_a_required_text_is_missing(published_register):
    # Pins that the schema can fail: an empty required text is refused, not waved through.
    document = json.loads(export("uk-atrs"))
    document[0]["summary_information"]["description"] = ""
    document[1]["title_information"]["phase"] = "Pilot/beta"
    errors = validate_json(document, atrs_schema())
    assert len(errors) == 2, errors
    assert any("'description'" in e or "description" in e for e in errors)


def test_atrs_record_id_is_stable_when_records_are_added(published_register, use_case):
    def ids() -> dict[int, str]:
        return {
            d["metadata"]["id"]: d["title_information"]["title"]
            for d in json.loads(export("uk-atrs"))
        }

    before = ids()
    publish_use_case(use_case, actor=None, reason="neu")
    after = ids()
    assert len(after) == len(before) + 1
    assert {key: after[key] for key in before} == before


def test_atrs_export_keeps_withheld_groups_out(published_register):
    chatbot = next(
        d for d in json.loads(export("uk-atrs")) if d["title_information"]["title"] == "Chatbot"
    )
    text = json.dumps(chatbot, ensure_ascii=False)
    assert "Verwaltungs-LLM" not in text
    assert chatbot["model_specification"] == []
    assert (
        "KI-System" in chatbot["risks_mitigations_and_impact_assessments"]["risks_and_mitigations"]
    )


def test_annex_viii_export_lists_only_high_risk_records_and_validates(published_register):
    document = json.loads(export("eu-annex-viii-c"))
    assert validate_json(document, annex_viii.json_schema("https://x/schema.json")) == []
    assert [d["title"] for d in document] == ["Wohngeld-Vorprüfung"]
    entry = document[0]
    assert entry["deployer"]["ags"] == "05999001"
    assert entry["submitted_on_behalf_by"]["name"] == "Hauptamt, Digitalisierung"
    assert entry["provider_eu_database_url"] == "https://ai-act-db.example.eu/entry/7"
    assert entry["fria_summary"] == "Keine Grundrechte erheblich berührt."


AGS = ("05999001", "08999000")
CONTRIBUTOR = "http://dcat-ap.de/def/contributors/transparenzportalHamburg"
SYNTAXES = [("dcat-ap-de", "turtle"), ("dcat-ap-de-jsonld", "json-ld")]


@pytest.mark.parametrize(("code", "syntax"), SYNTAXES)
def test_dcat_catalogue_conforms_to_the_specification(published_register, code, syntax):
    conforms, report = validate_dcat(export(code), syntax, profile=SPECIFICATION, ags=AGS)
    assert conforms, report


@pytest.mark.parametrize(("code", "syntax"), SYNTAXES)
def test_dcat_catalogue_with_contributor_id_conforms_to_govdata_conventions(
    published_register, settings, code, syntax
):
    settings.DCAT_CONTRIBUTOR_ID = CONTRIBUTOR
    conforms, report = validate_dcat(export(code), syntax, profile=WITH_CONVENTIONS, ags=AGS)
    assert conforms, report


def test_dcat_catalogue_without_contributor_id_fails_govdata_conventions(published_register):
    conforms, report = validate_dcat(
        export("dcat-ap-de"), "turtle", profile=WITH_CONVENTIONS, ags=AGS
    )
    assert not conforms
    assert "K12" in report


def test_dcat_catalogue_names_every_organisation_and_its_distributions(published_register):
    turtle = export("dcat-ap-de")
    assert "KI-Anwendungsfälle: Stadt Lindenfeld" in turtle
    assert "KI-Anwendungsfälle: Landkreis Birkenau" in turtle
    assert "/organisationen/lindenfeld/daten/register.csv" in turtle
    assert "municipalityKey/05999001" in turtle


def test_a_providers_records_without_an_ags_validate_in_every_export(
    published_register, organisation
):
    # An IT service provider deploying AI itself has no AGS: the exports leave it out instead
    # of writing "AGS None", and every document still validates against its standard.
    account_services.update_organisation(
        organisation,
        actor=None,
        reason="Zweckverband",
        kind=Organisation.Kind.IT_SERVICE_PROVIDER,
        legal_form=Organisation.LegalForm.BODY_GOVERNED_BY_PUBLIC_LAW,
        ags="",
    )
    for code in FORMATS:
        assert "None" not in export(code), code
    nl = json.loads(export("nl-algoritmeregister-1.0"))
    assert validate_json(nl, nl_schema(extra_languages=("deu",))) == []
    full = next(d for d in nl if d["name"] == "Wohngeld-Vorprüfung")
    assert full["tags"] == "LeiKa 99102011000000"
    assert validate_json(json.loads(export("uk-atrs")), atrs_schema()) == []
    annex = json.loads(export("eu-annex-viii-c"))
    assert validate_json(annex, annex_viii.json_schema("https://x/schema.json")) == []
    assert "ags" not in annex[0]["deployer"]
    eurocities = json.loads(export("eurocities-ats-0.3.1"))
    full = next(d for d in eurocities if d["name"] == "Wohngeld-Vorprüfung")
    record_id = published_register[0].use_case_id
    assert full["keywords"] == f"ID {record_id}, LeiKa 99102011000000"
    for code, syntax in SYNTAXES:
        conforms, report = validate_dcat(export(code), syntax, profile=SPECIFICATION, ags=AGS[1:])
        assert conforms, report
    assert "municipalityKey/05999001" not in export("dcat-ap-de")


def test_withheld_group_stays_withheld_in_every_export(published_register):
    for code in ("nl-algoritmeregister-1.0", "eurocities-ats-0.3.1"):
        text = export(code)
        chatbot = next(d for d in json.loads(text) if d["name"] == "Chatbot")
        assert "Verwaltungs-LLM" not in json.dumps(chatbot), code


def test_exports_hold_no_staff_names(published_register, department_head):
    for code in FORMATS:
        text = export(code)
        assert department_head.username not in text, code
        assert department_head.email not in text, code


def test_internal_fields_never_reach_an_export(published_register, department_head, department):
    make_use_case(department_head, department, "Nur intern SENTINELX", retention="SENTINELY")
    for code in FORMATS:
        text = export(code)
        assert "SENTINEL" not in text, code


def test_one_organisation_export_holds_only_its_records(published_register, organisation):
    document = json.loads(export("nl-algoritmeregister-1.0", organisation))
    assert {d["organization"] for d in document} == {"Stadt Lindenfeld"}


def test_command_writes_stdout_and_files_and_refuses_unknown_organisation(
    published_register, tmp_path
):
    out = io.StringIO()
    call_command("export_register", "--format", "eu-annex-viii-c", stdout=out)
    assert json.loads(out.getvalue())[0]["title"] == "Wohngeld-Vorprüfung"
    target = tmp_path / "nl.json"
    call_command(
        "export_register",
        "--format",
        "nl-algoritmeregister-1.0",
        "--organisation",
        "birkenau",
        "--output",
        str(target),
    )
    assert [d["name"] for d in json.loads(target.read_text())] == ["Kreis-Posteingang"]
    with pytest.raises(CommandError) as error:
        call_command("export_register", "--format", "dcat-ap-de", "--organisation", "gibtsnicht")
    assert error.value.returncode == 2
    assert "Unbekannte Organisation" in str(error.value)


def test_downloads_and_public_api_give_the_command_document(client, published_register):
    for url in (
        reverse("interop:export", args=["eurocities-ats-0.3.1"]),
        reverse("api-public-export", args=["eurocities-ats-0.3.1"]),
    ):
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        document = json.loads(b"".join(response.streaming_content))
        assert document == json.loads(
            "".join(
                FORMATS["eurocities-ats-0.3.1"].write(ExportContext(site_url="http://testserver/"))
            )
        )
    per_org = client.get(
        reverse("interop:organisation_export", args=["birkenau", "eu-annex-viii-c"])
    )
    assert json.loads(b"".join(per_org.streaming_content)) == []


def test_open_data_page_and_api_offer_the_uk_record(client, published_register):
    page = client.get(reverse("registry:open_data")).content.decode()
    assert reverse("interop:export", args=["uk-atrs"]) in page
    response = client.get(reverse("api-public-organisation-export", args=["uk-atrs", "birkenau"]))
    assert response.status_code == 200
    records = json.loads(b"".join(response.streaming_content))
    assert [r["title_information"]["title"] for r in records] == ["Kreis-Posteingang"]
    assert validate_json(records, atrs_schema()) == []


def test_unknown_format_in_the_api_is_a_problem_document(client, published_register):
    response = client.get(reverse("api-public-export", args=["xml"]))
    assert response.status_code == 404
    assert response.json()["type"].endswith("not-found")


def test_unknown_format_or_organisation_is_404(client, published_register):
    assert client.get(reverse("interop:export", args=["xml"])).status_code == 404
    assert (
        client.get(reverse("interop:organisation_export", args=["nope", "dcat-ap-de"])).status_code
        == 404
    )


def test_annex_viii_schema_is_served(client):
    schema = client.get(reverse("interop:annex_viii_schema")).json()
    assert schema["items"]["properties"]["format_version"]["const"] == annex_viii.VERSION


def test_export_queries_do_not_grow_with_records(
    published_register, publish_many, django_assert_max_num_queries
):
    publish_many(20)
    with django_assert_max_num_queries(3):
        export("nl-algoritmeregister-1.0")
