"""The standards' schema files (tests/interop/schemas/, see SOURCE.md) as validators."""

import json
from pathlib import Path
from typing import Any

import jsonschema
from pyshacl import validate
from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

SCHEMAS = Path(__file__).parent / "schemas"


def _nl_property(definition: dict[str, Any]) -> dict[str, Any]:
    kind = definition["type"]
    if kind == "enum":
        return {"enum": definition["permitted_values"]}
    if kind == "array":
        if "permitted_values" in definition:
            return {"type": "array", "items": {"enum": definition["permitted_values"]}}
        items = definition.get("items") or {}
        return {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "properties": {name: _nl_property(item) for name, item in items.items()},
                "required": [name for name, item in items.items() if item.get("required") is True],
            },
        }
    schema: dict[str, Any] = {"type": "string"}
    if definition.get("max_length"):
        schema["maxLength"] = definition["max_length"]
    return schema


def nl_schema(*, extra_languages: tuple[str, ...] = ()) -> dict[str, Any]:
    """The Dutch publication standard 1.0 as a JSON Schema of the download (an array)."""
    config = json.loads((SCHEMAS / "nl-algoritmeregister-1.0" / "v1_0.json").read_text())
    properties = {name: _nl_property(d) for name, d in config["properties"].items()}
    if extra_languages:
        properties["lang"] = {"enum": [*properties["lang"]["enum"], *extra_languages]}
    return {
        "type": "array",
        "items": {
            "type": "object",
            # Only the standard's fields: an export must not invent its own.
            "additionalProperties": False,
            "properties": properties,
            "required": [n for n, d in config["properties"].items() if d.get("required") is True],
        },
    }


_EUROCITIES_TYPES: dict[str, dict[str, Any]] = {
    "string": {"type": "string"},
    "email": {"type": "string", "format": "email"},
    "url": {"type": "string", "format": "uri"},
    "date": {"type": "string", "format": "date"},
    "uuid": {"type": "string", "format": "uuid"},
}


def eurocities_schema() -> dict[str, Any]:
    """The Eurocities standard 0.3.1 as a JSON Schema of an array of registrations."""
    source = json.loads((SCHEMAS / "eurocities-ats-0.3.1" / "schema-v0_3_1.json").read_text())
    properties: dict[str, Any] = {}
    for attribute in source["properties"]:
        kind = attribute["type"]
        if kind == "enum":
            properties[attribute["attribute"]] = {"enum": attribute["enum"]}
        elif kind == "const":
            properties[attribute["attribute"]] = {"const": attribute["const"]}
        else:
            properties[attribute["attribute"]] = _EUROCITIES_TYPES[kind]
    return {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "properties": properties,
            "required": [a["attribute"] for a in source["properties"] if a["required"]],
        },
    }


def validate_json(document: Any, schema: dict[str, Any]) -> list[str]:
    """Every error of the document against the schema (formats checked too), as text."""
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(document)]


# The files of each profile (the repository's shacl/README.md).
SPECIFICATION = (
    "dcat-ap-de-imports.ttl",
    "dcat-ap-spec-german-messages.ttl",
    "dcat-ap-spec-german-additions.ttl",
    "dcat-ap-de-deprecated.ttl",
    "dcat-ap_2.1.1_shacl_shapes.ttl",
)
WITH_CONVENTIONS = (*SPECIFICATION, "dcat-ap-konventionen.ttl")
GEOCODING = "http://dcat-ap.de/def/politicalGeocoding/municipalityKey"


def dcat_shapes(profile: tuple[str, ...]) -> Graph:
    shapes = Graph()
    for name in profile:
        shapes.parse(SCHEMAS / "dcat-ap-de" / name, format="turtle")
    return shapes


def validate_dcat(
    data: str, syntax: str, *, profile: tuple[str, ...], ags: tuple[str, ...] = ()
) -> tuple[bool, str]:
    """Whether the catalogue conforms to a DCAT-AP.de 2.0 profile, warnings included, and the
    report's text. The remote vocabularies are stood in for by vocabulary-extract.ttl and, as
    the test organisations' AGS are made up, a municipality-key concept for each of `ags`."""
    graph = Graph().parse(data=data, format=syntax)
    graph.parse(SCHEMAS / "dcat-ap-de" / "vocabulary-extract.ttl", format="turtle")
    for key in ags:
        graph.add((URIRef(f"{GEOCODING}/{key}"), SKOS.inScheme, URIRef(GEOCODING)))
    conforms, _graph, text = validate(
        graph, shacl_graph=dcat_shapes(profile), inference="rdfs", allow_warnings=False
    )
    return bool(conforms), str(text)


# -- UK Algorithmic Transparency Recording Standard 4.0 -----------------------------------------
#
# The repository publishes 4.0 as guidance and a change log (PDF); the machine-readable field
# table is 3.0's (template_table_v3.0.md). 4.0 is that table with the change log applied, each
# step below naming the change log's entry. Keys 4.0 renamed or added are the snake case of
# their 4.0 name (guidance's numbered examples: 2.1.4 "Third party involvement", 2.3.1
# "Integration into broader operational process", 2.4.1.2 "System-level input", 2.4.2.8
# "Datasets and their purposes").

ATRS = SCHEMAS / "uk-atrs-4.0" / "template_table_v3.0.md"
ATRS_SECTIONS = {
    "Metadata": "metadata",
    "Title Information": "title_information",
    "Tier 1 Information": "summary_information",
    "Owner and Responsibility": "owner_and_responsibility",
    "Description and Rationale": "description_and_rationale",
    "Decision-making Process": "deployment_context",
    "Tool Specification": "tool_specification",
    "Model Specification": "model_specification",
    "Data Specification": "development_data_specification",
    "Risks, mitigations and impact assessments": "risks_mitigations_and_impact_assessments",
}
# Sheets a record repeats, one per model or dataset, and may leave out entirely for an
# off-the-shelf tool (3.0 change log: "modular"; 4.0 guidance sections 10 and 11).
ATRS_MODULAR = (
    "model_specification",
    "development_data_specification",
    "operational_data_specification",
)
# Metadata: "The following filtering fields were deleted" — the publisher keeps id, version
# and the two dates (this register publishes its own records), the filter facets go.
ATRS_DELETED = {
    "organisation_type",
    "function",
    "capability",
    "task",
    "tags",
    "date_archived",
    # Description and Rationale: "Merged 'Detailed Description' and 'Scope'".
    "scope",
    # Tool specification: "The 'Phase' field has been deleted".
    ("tool_specification", "phase"),
    # Decision-making: process integration and provided information merged (below).
    "provided_information",
    # Model specification: "Merged 'Datasets' and 'Dataset purposes'".
    "dataset_purposes",
}
ATRS_RENAMED = {
    # Owner and Responsibility: "'External supplier' changed to 'Third party'".
    "external_supplier_involvement": "third_party_involvement",
    "external_supplier": "third_party",
    "external_supplier_role": "third_party_role",
    "data_access_terms": "third_party_data_access_terms",
    "process_integration": "integration_into_broader_operational_process",
    # "Changed the title of the 'Human decisions and review process' to 'Human review'".
    "human_decisions_and_review": "human_review",
    "datasets": "datasets_and_their_purposes",
}
# Tool specification: "New fields added: System-level input, System-level output".
ATRS_ADDED = {"tool_specification": ("system_level_input", "system_level_output")}
ATRS_REQUIRED_NOW = {
    # The merged field carries Scope's obligation ("Scope" was required, the description not).
    "detailed_description",
}
# 3.0's list (v2.1 template table) with "Pilot/beta" replaced by "Private beta", "Public beta".
ATRS_PHASES = [
    "Idea",
    "Design",
    "Development",
    "Private beta",
    "Public beta",
    "Production",
    "Retired",
]
_ATRS_TYPES: dict[str, dict[str, Any]] = {
    "integer": {"type": "integer"},
    "UTF-8 string": {"type": "string", "minLength": 1},
    "date": {"type": "string", "format": "date"},
}


def _atrs_rows() -> list[tuple[str, str, str, bool]]:
    """(section, attribute, type, required) of each row of the 3.0 field table."""
    rows = []
    for line in ATRS.read_text().splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 8 or not cells[0][:1].isdigit():
            continue
        attribute = cells[1].replace("<br>", "").strip()
        category = cells[4]
        rows.append((ATRS_SECTIONS[category], attribute, cells[5], cells[7] == "TRUE"))
    return rows


def atrs_schema() -> dict[str, Any]:
    """The UK ATRS 4.0 as a JSON Schema of an array of records, one object per sheet."""
    sections: dict[str, dict[str, Any]] = {}
    required: dict[str, list[str]] = {}
    for section, attribute, kind, is_required in _atrs_rows():
        if attribute in ATRS_DELETED or (section, attribute) in ATRS_DELETED:
            continue
        name = ATRS_RENAMED.get(attribute, attribute)
        schema = dict(_ATRS_TYPES[kind])
        if name == "phase":
            schema = {"enum": ATRS_PHASES}
        elif name == "region":
            # The list's values are not in the repository; 4.0 added "International".
            schema = {"type": "string", "minLength": 1}
        elif name == "standard_version":
            schema = {"const": "4.0"}
        sections.setdefault(section, {})[name] = schema
        if is_required or name in ATRS_REQUIRED_NOW:
            required.setdefault(section, []).append(name)
    for section, names in ATRS_ADDED.items():
        for name in names:
            sections[section][name] = {"type": "string", "minLength": 1}
            required[section].append(name)
    # "The 'Data Specification' section has been split into two sections".
    sections["operational_data_specification"] = sections["development_data_specification"]
    required["operational_data_specification"] = required["development_data_specification"]

    def sheet(name: str) -> dict[str, Any]:
        return {
            "type": "object",
            "additionalProperties": False,
            "properties": sections[name],
            "required": required.get(name, []),
        }

    properties = {
        name: {"type": "array", "items": sheet(name)} if name in ATRS_MODULAR else sheet(name)
        for name in sections
    }
    return {
        "type": "array",
        "items": {
            "type": "object",
            "additionalProperties": False,
            "properties": properties,
            "required": [name for name in properties if name not in ATRS_MODULAR],
        },
    }
