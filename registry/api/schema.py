"""The OpenAPI description: problem responses, conditional-request headers and strict bodies."""

import re
from typing import Any

from drf_spectacular import openapi
from drf_spectacular.extensions import OpenApiSerializerExtension
from drf_spectacular.plumbing import list_hash
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from rest_framework.permissions import AllowAny

from registry.api.problems import PROBLEM_CONTENT_TYPE, ProblemSerializer
from registry.api.serializers import output_fields
from registry.models import PublishedUseCase, WithheldField
from registry.public.opendata import record_definitions

ACCEPT_LANGUAGE = OpenApiParameter(
    "Accept-Language",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="de (Voreinstellung) oder en: Sprache der Fehlermeldungen",
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description=(
        "Der ETag der Fassung, auf der die Änderung beruht. Fehlt er: 428; "
        "wurde der Datensatz inzwischen geändert: 412."
    ),
)
ETAG = OpenApiParameter(
    "ETag",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    response=["200", "201"],
    required=True,
    description="Version der Darstellung; bei PUT und PATCH in If-Match zurücksenden.",
)
PROBLEM_DESCRIPTIONS = {
    "400": "Ungültige Anfrage; `errors` nennt die Felder.",
    "401": "Nicht angemeldet (Sitzung oder OpenID-Connect-Bearer-Token fehlt oder ist ungültig).",
    "403": "Angemeldet, aber ohne Berechtigung für diese Aktion.",
    "404": "Nicht gefunden oder nicht sichtbar.",
    "406": "Das gewünschte Antwortformat gibt es nicht (nur JSON).",
    "412": "Der Datensatz wurde seit dem gesendeten ETag geändert.",
    "413": "Der Inhalt der Anfrage ist größer als API_MAX_BODY_BYTES.",
    "415": "Der Inhaltstyp der Anfrage wird nicht unterstützt (nur application/json).",
    "428": "If-Match fehlt.",
    "503": "Der Anmeldedienst (Identitätsanbieter) ist nicht erreichbar; später erneut versuchen.",
}


# Each version's operations share the names of their paths after /api/vN (SCHEMA_PATH_PREFIX);
# a later version's operation ids carry the version, v1's stay as integrators know them.
LATER_VERSION = re.compile(r"^/api/(v(?!1/)[0-9]+)/")


class AutoSchema(openapi.AutoSchema):
    def get_operation_id(self) -> str:
        operation_id: str = super().get_operation_id()
        version = LATER_VERSION.match(self.path)
        return f"{version.group(1)}_{operation_id}" if version else operation_id

    def _is_public(self) -> bool:
        return any(isinstance(p, AllowAny) for p in self.view.get_permissions())

    def _has_body(self) -> bool:
        return self.method in {"POST", "PUT", "PATCH"}

    def _uses_etags(self) -> bool:
        return bool(getattr(self.view, "uses_etags", False)) and getattr(
            self.view, "action", None
        ) in {"retrieve", "update", "partial_update", "create"}

    def get_override_parameters(self) -> list[Any]:
        parameters: list[Any] = [ACCEPT_LANGUAGE]
        if self._uses_etags():
            parameters.append(ETAG)
            if self.method in {"PUT", "PATCH"}:
                parameters.append(IF_MATCH)
        return parameters + list(super().get_override_parameters())

    def _process_override_parameters(self, direction: str = "request") -> Any:
        # drf-spectacular leaves this hook untyped (untyped_calls_exclude covers only its calls).
        parameters = super()._process_override_parameters(direction)  # type: ignore[no-untyped-call]
        fields = parameters.get(("fields", OpenApiParameter.QUERY))
        if fields is not None:
            # `?fields=` names fields of this view's representation; empty terms are skipped.
            view = self.view
            if hasattr(view, "field_names"):
                names = view.field_names()
            else:
                names = output_fields(view.get_serializer_class(), view.get_serializer_context())
            fields["schema"] = {"type": "array", "items": {"type": "string", "enum": [*names, ""]}}
            fields["style"] = "form"
            fields["explode"] = False
        return parameters

    def _problem_codes(self) -> list[str]:
        codes = ["406"]
        if self._has_body() or self.method == "GET" or self.method == "DELETE":
            codes.append("400")
        if self._has_body():
            codes += ["413", "415"]
        if not self._is_public():
            # 503: a bearer token cannot be checked while the identity provider is unreachable.
            codes += ["401", "403", "503"]
        if "{" in self.path:
            codes.append("404")
        if any(getattr(p, "name", None) == "If-Match" for p in self.get_override_parameters()):
            # 428 for If-Match: * as well where If-Match is optional (registry.api.etags).
            codes += ["412", "428"]
        return sorted(set(codes))

    def _get_response_bodies(self, direction: Any = "response") -> Any:
        responses = super()._get_response_bodies(direction)
        for code in self._problem_codes():
            if code in responses:
                continue
            # drf-spectacular leaves this hook unannotated.
            response = self._get_response_for_code(  # type: ignore[no-untyped-call]
                ProblemSerializer, code, media_types=[PROBLEM_CONTENT_TYPE], direction=direction
            )
            response["description"] = PROBLEM_DESCRIPTIONS[code]
            responses[code] = response
        return responses


def _choice_set_ids() -> dict[frozenset[Any], str]:
    """drf-spectacular's id of each choice set of the public record, by its codes: the record's
    code lists then share the enum components (and names) of the other representations."""
    choice_sets: list[list[tuple[Any, Any]]] = [list(WithheldField.Field.choices)] + [
        list(field.flatchoices) for field in PublishedUseCase._meta.fields if field.choices
    ]
    return {
        frozenset(code for code, _label in choices if code): list_hash(
            [(code, label) for code, label in choices if code not in ("", None)]
        )
        for choices in choice_sets
    }


def openapi_schema(
    schema: dict[str, Any],
    definitions: dict[str, Any],
    choice_sets: dict[frozenset[Any], str] | None = None,
) -> dict[str, Any]:
    """A JSON Schema (2020-12) as OpenAPI 3.0 writes it: null as `nullable`, `const` as a
    one-value enum, a code list as a string enum, references to `definitions` written out."""
    if choice_sets is None:
        choice_sets = _choice_set_ids()
    if "$ref" in schema:
        referenced = definitions[schema["$ref"].removeprefix("#/$defs/")]
        return openapi_schema(referenced, definitions, choice_sets)
    converted: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "type" and isinstance(value, list):
            (converted["type"],) = [name for name in value if name != "null"]
            if "null" in value:
                converted["nullable"] = True
        elif key in {"enum", "const"}:
            codes = value if key == "enum" else [value]
            converted["enum"] = codes
            if all(isinstance(code, str) for code in codes if code is not None):
                converted.setdefault("type", "string")
            if None in codes:
                converted["nullable"] = True
            choice_set = choice_sets.get(frozenset(code for code in codes if code))
            if choice_set is not None:
                converted["x-spec-enum-id"] = choice_set
        elif key == "properties":
            converted[key] = {
                name: openapi_schema(child, definitions, choice_sets)
                for name, child in value.items()
            }
        elif key == "items":
            converted[key] = openapi_schema(value, definitions, choice_sets)
        else:
            converted[key] = value
    return converted


class PublicRecordSchema(OpenApiSerializerExtension):
    """The public API's record is described by the open data's schema of a record, once."""

    target_class = "registry.api.serializers.PublicRecordSerializer"

    def map_serializer(self, auto_schema: Any, direction: Any) -> dict[str, Any]:
        definitions = record_definitions()
        return openapi_schema(definitions["use_case"], definitions)


# DRF's CharField refuses NUL characters (PostgreSQL cannot store them): free text in a request
# body says so, or a schema-valid body would be refused.
NO_NUL_PATTERN = "^[^\\u0000]*$"
# A required text (`minLength` 1) is trimmed before it is checked: white space alone is blank.
NOT_BLANK_PATTERN = "^[^\\u0000]*[^\\s\\u0000][^\\u0000]*$"


def _text_without_nul(schema: dict[str, Any]) -> None:
    if schema.get("type") == "string" and not {"format", "enum", "pattern"} & schema.keys():
        schema["pattern"] = NOT_BLANK_PATTERN if schema.get("minLength", 0) > 0 else NO_NUL_PATTERN
    for child in schema.get("properties", {}).values():
        _text_without_nul(child)
    if isinstance(schema.get("items"), dict):
        _text_without_nul(schema["items"])
    for key in ("allOf", "anyOf", "oneOf"):
        for child in schema.get(key, []):
            _text_without_nul(child)


def strict_request_bodies(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: request bodies allow no other properties, their free text and the
    query parameters' no NUL characters, and changes need a reason."""
    schemas = result.get("components", {}).get("schemas", {})
    for name, schema in schemas.items():
        if name.endswith("Request") and schema.get("type") == "object":
            schema["additionalProperties"] = False
            _text_without_nul(schema)
    # The filters' form fields refuse NUL as well (`search`, `q` …).
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and isinstance(parameter.get("schema"), dict):
                    _text_without_nul(parameter["schema"])
            if (
                name.startswith("Patched")
                and "reason" in schema.get("properties", {})
                and name.endswith("UpdateRequest")
            ):
                schema.setdefault("required", []).append("reason")
    return result


# Which operations may follow a response, and with what from it (OpenAPI links): what a client
# and the stateful fuzzer need to know. A change names the version it read: If-Match carries
# the ETag of the response it follows.
LINK_TARGETS = ("update", "partial_update")


def links_between_operations(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: links from every response with an ETag to the changes of its object,
    and from a department to creating a use case in it."""
    operation_ids = {
        operation["operationId"]
        for item in result.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict) and "operationId" in operation
    }
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            for response in operation.get("responses", {}).values():
                if "ETag" not in response.get("headers", {}):
                    continue
                prefix = _resource_prefix(operation["operationId"])
                for action in LINK_TARGETS:
                    target = f"{prefix}_{action}"
                    if target in operation_ids:
                        response.setdefault("links", {})[f"{action}_with_its_etag"] = {
                            "operationId": target,
                            "parameters": {
                                "path.id": "$response.body#/id",
                                "header.If-Match": "$response.header.ETag",
                            },
                        }
    if "use_cases_create" in operation_ids:
        for path, pointer in (
            ("/api/v1/departments/{id}/", "/id"),
            ("/api/v1/departments/", "/results/0/id"),
        ):
            departments = result.get("paths", {}).get(path, {}).get("get")
            if departments is not None:
                links = departments["responses"]["200"].setdefault("links", {})
                links["create_a_use_case_in_it"] = {
                    "operationId": "use_cases_create",
                    "requestBody": {"department": f"$response.body#{pointer}"},
                }
    return result


def _resource_prefix(operation_id: str) -> str:
    for suffix in ("_partial_update", "_update", "_retrieve", "_create"):
        if operation_id.endswith(suffix):
            return operation_id.removesuffix(suffix)
    return operation_id


def narrowable_representations(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """Postprocessing hook: a representation `?fields=` can narrow requires none of its fields."""
    schemas = result.get("components", {}).get("schemas", {})

    def component(ref: str | None) -> dict[str, Any] | None:
        return schemas.get(ref.rsplit("/", 1)[-1]) if ref else None

    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or not any(
                p.get("name") == "fields" and p.get("in") == "query"
                for p in operation.get("parameters", [])
            ):
                continue
            content = operation.get("responses", {}).get("200", {}).get("content", {})
            for media in content.values():
                found = component(media.get("schema", {}).get("$ref"))
                page = (found or {}).get("properties", {}).get("results")
                if page is not None:
                    found = component(page.get("items", {}).get("$ref"))
                if found is not None:
                    found.pop("required", None)
    return result
