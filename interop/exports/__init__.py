"""The register in the standards other registers speak, each generated from the public record.

Every export reads only `PublishedUseCase` (the public fields as last approved, withheld groups
already emptied) and streams: a format is a function from an iterator of records to an iterator
of text chunks, so memory stays flat however large the register is.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from interop.exports import annex_viii, atrs, dcat, eurocities, nl
from interop.exports.base import ExportContext


@dataclass(frozen=True)
class ExportFormat:
    """One standard: its code, what a download is called and how it is written."""

    code: str
    title: str
    media_type: str
    extension: str
    write: Callable[[ExportContext], Iterator[str]]


FORMATS: dict[str, ExportFormat] = {
    f.code: f
    for f in (
        ExportFormat(
            "nl-algoritmeregister-1.0",
            "Algoritmeregister (NL), publicatiestandaard 1.0",
            "application/json",
            "json",
            nl.write,
        ),
        ExportFormat(
            "uk-atrs",
            "UK Algorithmic Transparency Recording Standard 4.0",
            "application/json",
            "json",
            atrs.write,
        ),
        ExportFormat(
            "eurocities-ats-0.3.1",
            "Eurocities Algorithmic Transparency Standard 0.3.1",
            "application/json",
            "json",
            eurocities.write,
        ),
        ExportFormat(
            "eu-annex-viii-c",
            "KI-VO Anhang VIII Abschnitt C (Betreiber, Art. 49 Abs. 3)",
            "application/json",
            "json",
            annex_viii.write,
        ),
        ExportFormat(
            "dcat-ap-de", "DCAT-AP.de 2.0 (Turtle)", "text/turtle", "ttl", dcat.write_turtle
        ),
        ExportFormat(
            "dcat-ap-de-jsonld",
            "DCAT-AP.de 2.0 (JSON-LD)",
            "application/ld+json",
            "jsonld",
            dcat.write_jsonld,
        ),
    )
}
