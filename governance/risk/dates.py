"""When each obligation of the EU AI Act applies, by route: the dates table of the rule set.

One row per route an obligation can take to its date of application. The engine picks a route for
each obligation it derives (governance.risk.engine.Classification.timeline); nothing else in the
code knows a date. A later amendment changes this table and RULE_SET_VERSION, not the engine.

Sources: Regulation (EU) 2024/1689 (KI-VO), Art. 111 and 113, as amended by Regulation (EU)
2026/1744 ("Digital Omnibus on AI", OJ L 2026/1744 of 24 July 2026, in force 27 July 2026).
The consolidated text on EUR-Lex could not be retrieved while this table was written; the dates
and the amending provisions were checked against two independent secondary sources that quote the
Official Journal text (a legal-reference timeline "as at 2026-08-05" and the changelog of an
open-source AI Act checker verified against the OJ text) and against the dates the issue gives.
Each row's `note` says where a reading is the register's own and not the Act's wording.
"""

import datetime
from dataclasses import dataclass
from typing import Final, Literal, get_args

from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

Route = Literal[
    "chapter_i_ii",
    "art_5_amended",
    "gpai_models",
    "general",
    "art_50",
    "art_50_2_legacy",
    "high_risk_annex_iii",
    "high_risk_annex_i",
    "legacy_public_authority",
    "legacy_unchanged",
]
ROUTES: Final[tuple[Route, ...]] = get_args(Route)

OMNIBUS: Final = "VO (EU) 2026/1744"
VERIFICATION_NOTE: Final = (
    "Konsolidierte Fassung auf EUR-Lex nicht abrufbar; geprüft an zwei Sekundärquellen, die den "
    "Amtsblatttext zitieren."
)


@dataclass(frozen=True)
class ApplicationDate:
    """One route to a date of application, with the provision that sets it."""

    route: Route
    # None: on this route the obligation does not apply at all.
    applies_from: datetime.date | None
    label: Promise
    # Article and paragraph that set the date, German citation style.
    source: str
    # The amending provision, "" where the original text still sets the date.
    amended_by: str
    note: str = ""


APPLICATION_DATES: Final[dict[Route, ApplicationDate]] = {
    row.route: row
    for row in (
        ApplicationDate(
            "chapter_i_ii",
            datetime.date(2025, 2, 2),
            _("Kapitel I und II: KI-Kompetenz (Art. 4) und die Verbote des Art. 5 Abs. 1 lit. a–h"),
            "Art. 113 UAbs. 3 lit. a KI-VO",
            "",
        ),
        ApplicationDate(
            "art_5_amended",
            datetime.date(2026, 12, 2),
            _("Die mit der Änderung 2026 eingefügten Verbote (Art. 5 Abs. 1 lit. ba und bb)"),
            "Art. 113 UAbs. 3 lit. a KI-VO",
            f"Art. 1 Nr. 40 lit. a {OMNIBUS}",
            VERIFICATION_NOTE,
        ),
        ApplicationDate(
            "gpai_models",
            datetime.date(2025, 8, 2),
            _(
                "Pflichten der Anbieter von KI-Modellen mit allgemeinem Verwendungszweck "
                "(Kapitel V)"
            ),
            "Art. 113 UAbs. 3 lit. b KI-VO",
            "",
            "Modelle, die vor dem 2. August 2025 in Verkehr gebracht wurden: bis 2. August 2027 "
            "(Art. 111 Abs. 3 KI-VO).",
        ),
        ApplicationDate(
            "general",
            datetime.date(2026, 8, 2),
            _("Allgemeiner Geltungsbeginn (etwa Art. 86 KI-VO)"),
            "Art. 113 UAbs. 2 KI-VO",
            "",
            "Art. 86 setzt ein Hochrisiko-System nach Anhang III voraus; solange dessen Einstufung "
            "(Kapitel III Abschnitt 1) noch nicht gilt, zeigt das Register den späteren "
            "Hochrisiko-Termin an.",
        ),
        ApplicationDate(
            "art_50",
            datetime.date(2026, 8, 2),
            _("Transparenzpflichten (Art. 50 KI-VO)"),
            "Art. 113 UAbs. 2 KI-VO",
            "",
        ),
        ApplicationDate(
            "art_50_2_legacy",
            datetime.date(2026, 12, 2),
            _(
                "Kennzeichnung nach Art. 50 Abs. 2 für Systeme, die vor dem 2. August 2026 in "
                "Verkehr gebracht wurden"
            ),
            "Art. 111 Abs. 4 KI-VO",
            f"Art. 1 Nr. 39 lit. b {OMNIBUS}",
            VERIFICATION_NOTE,
        ),
        ApplicationDate(
            "high_risk_annex_iii",
            datetime.date(2027, 12, 2),
            _(
                "Hochrisiko-Pflichten für Systeme nach Art. 6 Abs. 2 und Anhang III "
                "(Kapitel III Abschnitte 1 bis 3)"
            ),
            "Art. 113 UAbs. 3 lit. c KI-VO",
            f"Art. 1 Nr. 40 lit. b {OMNIBUS}",
            VERIFICATION_NOTE
            + " Die Registrierung (Art. 49, Kapitel III Abschnitt 5) gilt dem Wortlaut nach seit "
            "2. August 2026, knüpft aber an die Hochrisiko-Einstufung an; das Register zeigt den "
            "Termin der Einstufung. Rechtlich prüfen lassen.",
        ),
        ApplicationDate(
            "high_risk_annex_i",
            datetime.date(2028, 8, 2),
            _(
                "Hochrisiko-Pflichten für Systeme nach Art. 6 Abs. 1 und Anhang I "
                "(Kapitel III Abschnitte 1 bis 3)"
            ),
            "Art. 113 UAbs. 3 lit. c KI-VO",
            f"Art. 1 Nr. 40 lit. b {OMNIBUS}",
            VERIFICATION_NOTE,
        ),
        ApplicationDate(
            "legacy_public_authority",
            datetime.date(2030, 8, 2),
            _(
                "Hochrisiko-Systeme für Behörden, die vor dem Hochrisiko-Termin in Verkehr "
                "gebracht oder in Betrieb genommen und seitdem nicht wesentlich geändert wurden"
            ),
            "Art. 111 Abs. 2 UAbs. 1 S. 2 KI-VO",
            f"Art. 1 Nr. 39 lit. a {OMNIBUS}",
            VERIFICATION_NOTE
            + " Stichtag ist der Geltungsbeginn von Kapitel III nach Art. 113 für den jeweiligen "
            "Weg (Anhang III oder Anhang I).",
        ),
        ApplicationDate(
            "legacy_unchanged",
            None,
            _(
                "Hochrisiko-Systeme, die vor dem Hochrisiko-Termin in Verkehr gebracht oder in "
                "Betrieb genommen, seitdem nicht wesentlich geändert wurden und nicht für Behörden "
                "bestimmt sind"
            ),
            "Art. 111 Abs. 2 UAbs. 1 S. 1 KI-VO",
            f"Art. 1 Nr. 39 lit. a {OMNIBUS}",
            VERIFICATION_NOTE,
        ),
    )
}

# Before this date a generative system is "already on the market" for Art. 111(4).
ART_50_DATE: Final = APPLICATION_DATES["art_50"].applies_from

TimingState = Literal["in_force", "coming", "not_applicable"]


def citation(route: Route) -> str:
    """The full legal source of a route's date, with the amending act where there is one."""
    row = APPLICATION_DATES[route]
    return f"{row.source} i. d. F. {row.amended_by}" if row.amended_by else row.source


def state_on(
    applies_from: datetime.date | None, on: datetime.date
) -> tuple[TimingState, int | None]:
    """Whether an obligation applying from `applies_from` is in force on `on`, and days left."""
    if applies_from is None:
        return "not_applicable", None
    if applies_from <= on:
        return "in_force", None
    return "coming", (applies_from - on).days


def describe(applies_from: datetime.date | None, source: str, on: datetime.date) -> str:
    """The German line a reader sees: "gilt seit …", "gilt ab … (noch n Tage)" or "gilt nicht"."""
    state, days_left = state_on(applies_from, on)
    if state == "not_applicable" or applies_from is None:
        return gettext("gilt nicht (%(source)s)") % {"source": source}
    when = date_format(applies_from, "DATE_FORMAT")
    if state == "in_force":
        return gettext("gilt seit %(date)s") % {"date": when}
    return ngettext(
        "gilt ab %(date)s (noch %(days)d Tag)",
        "gilt ab %(date)s (noch %(days)d Tage)",
        days_left or 0,
    ) % {"date": when, "days": days_left}
