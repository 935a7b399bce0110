"""A DCAT-AP.de 2.0 catalogue of the register's open data, in Turtle and in JSON-LD.

One dataset for the whole register and one per organisation with published entries, each with
its CSV, JSON and Atom distributions. Both syntaxes are written a dataset at a time from the same
triples, so the catalogue streams in constant memory however many organisations there are.
Validated in the tests against the official DCAT-AP.de SHACL shapes (GovDataOfficial/DCAT-AP.de).
"""

import datetime
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Exists, Max, Min, OuterRef, QuerySet
from django.urls import reverse

from accounts.models import Organisation
from interop.exports.base import CHUNK_SIZE, ExportContext
from registry.models import PublishedUseCase, UseCase

DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
DCATDE = "http://dcat-ap.de/def/dcatde/"
FOAF = "http://xmlns.com/foaf/0.1/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
EU = "http://publications.europa.eu/resource/authority/"
PREFIXES = {"dcat": DCAT, "dct": DCT, "dcatde": DCATDE, "foaf": FOAF, "vcard": VCARD}
LICENCE_BASE = "http://dcat-ap.de/def/licenses/"
# The distributions carry the records' default licence (README: "Exports").
LICENCE = UseCase.OpenDataLicence.DL_DE_BY


@dataclass(frozen=True)
class Iri:
    value: str


@dataclass(frozen=True)
class Literal:
    value: str
    language: str | None = "de"
    datatype: str | None = None


Node = Iri | Literal
Triple = tuple[str, str, Node]


def catalogue_organisations(organisation: Organisation | None) -> QuerySet[Organisation]:
    """Organisations with published entries, with the time of their newest publication."""
    has_entries = PublishedUseCase.objects.filter(organisation=OuterRef("pk"))
    organisations = (
        Organisation.objects.filter(Exists(has_entries))
        .annotate(
            latest=Max("published_use_cases__published_at"),
            first=Min("published_use_cases__first_published_at"),
        )
        .order_by("pk")
    )
    if organisation is not None:
        organisations = organisations.filter(pk=organisation.pk)
    return organisations


def _distributions(context: ExportContext, dataset: str, slug: str | None) -> Iterator[Triple]:
    kinds = (
        ("csv", "CSV", "text/csv", "register_csv"),
        ("json", "JSON", "application/json", "register_json"),
        ("atom", "ATOM", "application/atom+xml", "changes_feed"),
    )
    for key, file_type, media_type, url_name in kinds:
        if slug is None:
            url = context.absolute(reverse(f"registry:{url_name}"))
        else:
            url = context.absolute(reverse(f"registry:organisation_{url_name}", args=[slug]))
        node = f"{dataset}-{key}"
        yield dataset, DCAT + "distribution", Iri(node)
        yield node, RDF_TYPE, Iri(DCAT + "Distribution")
        yield node, DCT + "title", Literal(f"KI-Anwendungsfälle ({file_type})")
        yield node, DCAT + "accessURL", Iri(url)
        yield node, DCAT + "downloadURL", Iri(url)
        yield node, DCT + "format", Iri(f"{EU}file-type/{file_type}")
        yield (
            node,
            DCAT + "mediaType",
            Iri(f"https://www.iana.org/assignments/media-types/{media_type}"),
        )
        yield node, DCT + "license", Iri(LICENCE_BASE + LICENCE)


def _dataset(
    context: ExportContext,
    *,
    node: str,
    title: str,
    description: str,
    publisher: Organisation | None,
    slug: str | None,
    modified: str | None,
    issued: str | None,
    contact_page: str,
) -> Iterator[Triple]:
    catalogue = _catalogue_node(context)
    yield catalogue, DCAT + "dataset", Iri(node)
    yield node, RDF_TYPE, Iri(DCAT + "Dataset")
    yield node, DCT + "title", Literal(title)
    yield node, DCT + "description", Literal(description)
    yield node, DCT + "identifier", Literal(node, language=None)
    yield node, DCAT + "theme", Iri(f"{EU}data-theme/GOVE")
    yield node, DCAT + "keyword", Literal("Künstliche Intelligenz")
    yield node, DCAT + "keyword", Literal("KI-Register")
    yield node, DCAT + "landingPage", Iri(context.absolute(reverse("registry:open_data")))
    if modified:
        yield node, DCT + "modified", Literal(modified, language=None, datatype=XSD + "dateTime")
    if issued:
        yield node, DCT + "issued", Literal(issued, language=None, datatype=XSD + "dateTime")
    if settings.DCAT_CONTRIBUTOR_ID:
        # GovData's id of whoever delivers the catalogue (Konvention 12), set per installation.
        yield node, DCATDE + "contributorID", Iri(settings.DCAT_CONTRIBUTOR_ID)
    agent = f"{node}-publisher"
    yield node, DCT + "publisher", Iri(agent)
    yield agent, RDF_TYPE, Iri(FOAF + "Agent")
    yield agent, RDF_TYPE, Iri(FOAF + "Organization")
    yield agent, FOAF + "name", Literal(publisher.name if publisher else _site_name(context))
    contact = f"{node}-contact"
    yield node, DCAT + "contactPoint", Iri(contact)
    yield contact, RDF_TYPE, Iri(VCARD + "Kind")
    yield contact, RDF_TYPE, Iri(VCARD + "Organization")
    yield contact, VCARD + "fn", Literal(publisher.name if publisher else _site_name(context))
    if publisher is not None and publisher.contact_email:
        yield contact, VCARD + "hasEmail", Iri(f"mailto:{publisher.contact_email}")
    # The public page names whom to write to (the entries' function mailboxes, objections).
    yield contact, VCARD + "hasURL", Iri(contact_page)
    if publisher is not None and publisher.ags:
        # The AGS is the municipality key of DCAT-AP.de's political geocoding (an IT service
        # provider without one is not geocoded).
        yield (
            node,
            DCATDE + "politicalGeocodingLevelURI",
            Iri("http://dcat-ap.de/def/politicalGeocoding/Level/municipality"),
        )
        yield (
            node,
            DCATDE + "politicalGeocodingURI",
            Iri(f"http://dcat-ap.de/def/politicalGeocoding/municipalityKey/{publisher.ags}"),
        )
    yield from _distributions(context, node, slug)


def _site_name(context: ExportContext) -> str:
    return f"KI-Register ({context.site_url.rstrip('/')})"


def _catalogue_node(context: ExportContext) -> str:
    return context.absolute(reverse("registry:open_data")) + "#katalog"


def _catalogue(context: ExportContext) -> Iterator[Triple]:
    node = _catalogue_node(context)
    yield node, RDF_TYPE, Iri(DCAT + "Catalog")
    yield node, DCT + "title", Literal("KI-Register: offene Daten")
    yield (
        node,
        DCT + "description",
        Literal(
            "Veröffentlichte KI-Anwendungsfälle von Kommunen: wer welches KI-System wofür "
            "einsetzt, auf welcher Rechtsgrundlage, mit welcher Risikoklasse und welcher "
            "menschlichen Aufsicht."
        ),
    )
    yield node, DCT + "language", Iri(f"{EU}language/DEU")
    yield node, FOAF + "homepage", Iri(context.absolute("/"))
    agent = f"{node}-publisher"
    yield node, DCT + "publisher", Iri(agent)
    yield agent, RDF_TYPE, Iri(FOAF + "Agent")
    yield agent, RDF_TYPE, Iri(FOAF + "Organization")
    yield agent, FOAF + "name", Literal(_site_name(context))
    yield (
        node,
        DCT + "modified",
        Literal(context.generated_at.isoformat(), language=None, datatype=XSD + "dateTime"),
    )


def _groups(context: ExportContext) -> Iterator[list[Triple]]:
    """The catalogue's triples, one group per node set (catalogue, then each dataset)."""
    yield list(_catalogue(context))
    if context.organisation is None:
        base = context.absolute(reverse("registry:open_data"))
        yield list(
            _dataset(
                context,
                node=f"{base}#register",
                title="KI-Anwendungsfälle aller Organisationen",
                description="Alle veröffentlichten KI-Anwendungsfälle dieses Registers.",
                publisher=None,
                slug=None,
                modified=context.generated_at.isoformat(),
                issued=_iso(
                    PublishedUseCase.objects.aggregate(first=Min("first_published_at"))["first"]
                ),
                contact_page=context.absolute(reverse("registry:home")),
            )
        )
    for organisation in catalogue_organisations(context.organisation).iterator(
        chunk_size=CHUNK_SIZE
    ):
        page = context.absolute(reverse("registry:organisation", args=[organisation.slug]))
        yield list(
            _dataset(
                context,
                node=f"{page}#daten",
                title=f"KI-Anwendungsfälle: {organisation.name}",
                description=(
                    f"Die veröffentlichten KI-Anwendungsfälle von {organisation.name}"
                    + (f" (AGS {organisation.ags})." if organisation.ags else ".")
                ),
                publisher=organisation,
                slug=organisation.slug,
                modified=_iso(getattr(organisation, "latest", None)),
                issued=_iso(getattr(organisation, "first", None)),
                contact_page=page,
            )
        )


def _iso(value: datetime.datetime | None) -> str | None:
    return value.isoformat() if value else None


# -- Turtle ---------------------------------------------------------------------------------


def _turtle_iri(value: str) -> str:
    for prefix, namespace in PREFIXES.items():
        local = value.removeprefix(namespace)
        if local != value and local.isalnum():
            return f"{prefix}:{local}"
    if value == RDF_TYPE:
        return "a"
    # Addresses built from slugs, AGS and reversed URLs: no character IRIREF forbids, but escape
    # the few that could still arrive through SITE_URL.
    return "<" + "".join(c if c not in '<>"{}|^`\\ ' else f"%{ord(c):02X}" for c in value) + ">"


def _turtle_literal(literal: Literal) -> str:
    escaped = (
        literal.value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
    )
    if literal.datatype:
        return f'"{escaped}"^^{_turtle_iri(literal.datatype)}'
    return f'"{escaped}"@{literal.language}' if literal.language else f'"{escaped}"'


def write_turtle(context: ExportContext) -> Iterator[str]:
    yield "".join(f"@prefix {prefix}: <{namespace}> .\n" for prefix, namespace in PREFIXES.items())
    for group in _groups(context):
        lines = []
        for subject, predicate, obj in group:
            value = _turtle_iri(obj.value) if isinstance(obj, Iri) else _turtle_literal(obj)
            lines.append(f"{_turtle_iri(subject)} {_turtle_iri(predicate)} {value} .\n")
        yield "\n" + "".join(lines)


# -- JSON-LD --------------------------------------------------------------------------------


def _jsonld_nodes(group: list[Triple]) -> list[dict[str, object]]:
    nodes: dict[str, dict[str, list[object]]] = {}
    for subject, predicate, obj in group:
        node = nodes.setdefault(subject, {})
        if predicate == RDF_TYPE:
            node.setdefault("@type", []).append(obj.value)
            continue
        if isinstance(obj, Iri):
            value: dict[str, str] = {"@id": obj.value}
        elif obj.datatype:
            value = {"@value": obj.value, "@type": obj.datatype}
        elif obj.language:
            value = {"@value": obj.value, "@language": obj.language}
        else:
            value = {"@value": obj.value}
        node.setdefault(predicate, []).append(value)
    return [{"@id": subject, **properties} for subject, properties in nodes.items()]


def write_jsonld(context: ExportContext) -> Iterator[str]:
    yield '{"@graph": ['
    separator = "\n"
    for group in _groups(context):
        for node in _jsonld_nodes(group):
            yield separator + json.dumps(node, ensure_ascii=False)
            separator = ",\n"
    yield "\n]}\n"
