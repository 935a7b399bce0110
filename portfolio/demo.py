"""The portfolio's part of the demo: ratings of ideas, measured outcomes of running use cases.

load_demo (governance) calls `load_portfolio_demo` after the use cases reached their demo
states; everything goes through the services, and what exists already is left alone.
"""

import datetime
from decimal import Decimal

from django.utils import timezone

from accounts.models import Organisation, User
from portfolio import services
from portfolio.models import CandidateRating, Indicator, Measurement
from registry.models import UseCase

REASON = "Demodaten geladen (manage.py load_demo)"
SOURCE = {
    "processing_time": "Auswertung des Fachverfahrens",
    "follow_up_rate": "Stichprobe von 100 Vorgängen",
    "case_volume": "Statistik des Fachverfahrens",
    "staff_hours": "Zeitaufschreibung des Amts",
    "error_rate": "Widerspruchsstatistik",
}

# Expected benefit and effort (1–5) of the pipeline's ideas and plans, with the board's note.
RATINGS: dict[str, tuple[int, int, str]] = {
    "Vorsortierung von Bewerbungen": (3, 4, "Entlastet das Personalamt, aber Hochrisiko."),
    "Entwurf von Hilfeplan-Dokumentationen": (4, 3, "Viel Schreibarbeit im Jugendamt."),
    "Platzvergabe Kindertagesstätten": (4, 5, "Großer Nutzen, hohe Anforderungen (Anhang III)."),
    "Prognose der Gewerbesteuereinnahmen": (2, 2, "Wenige Fälle, aber schnell umsetzbar."),
    "Vermittlungsvorschläge für Arbeitsuchende": (4, 4, "Hoher Nutzen, Hochrisiko."),
    "Vollständigkeitsprüfung von Bauanträgen": (4, 2, "Klare Regeln der Bauvorlagenverordnung."),
    "Auswertung von Lärmbeschwerden": (2, 2, "Entlastet die Sachbearbeitung etwas."),
    "Dienstplanoptimierung im Bürgerbüro": (3, 3, "Betrifft die Beschäftigten (Personalrat)."),
    "Chatbot für Fragen zum Bürgergeld": (4, 3, "Viele wiederkehrende Fragen."),
    "Vorprüfung von Gewerbeanmeldungen": (3, 2, "Die Leistung ist schon weitgehend digital."),
}

# Per running use case and indicator: the baseline before the start and two quarters after.
OUTCOMES: dict[str, dict[str, tuple[str, str, str]]] = {
    "Chatbot für Bürgerfragen": {
        "follow_up_rate": ("0.42", "0.35", "0.29"),
        "staff_hours": ("320", "270", "240"),
    },
    "Klassifikation des Posteingangs": {
        "processing_time": ("2.5", "1.2", "0.8"),
        "staff_hours": ("480", "330", "300"),
        "error_rate": ("6.0", "3.5", "2.8"),
    },
    "Wohngeld-Vorprüfung": {
        "processing_time": ("38", "31", "27"),
        "follow_up_rate": ("1.6", "1.1", "0.9"),
        "case_volume": ("1600", "1650", "1700"),
    },
    "Terminvorschläge im Bürgerbüro": {
        "processing_time": ("12", "7", "6"),
        "staff_hours": ("210", "180", "170"),
    },
    "Erkennung von Doppelanträgen": {
        "error_rate": ("3.1", "1.4", "1.2"),
    },
    "Zulassungsunterlagen auslesen": {
        "processing_time": ("4", "2.5", "2"),
        "follow_up_rate": ("0.3", "0.22", "0.18"),
        "staff_hours": ("600", "470", "450"),
    },
    "Rechnungseingang automatisieren": {
        "processing_time": ("14", "9", "8"),
        "error_rate": ("2.2", "1.5", "1.6"),
    },
}
# The indicators each demo board publishes.
PUBLIC = {"lindenfeld": ("processing_time", "follow_up_rate"), "birkenau": ("processing_time",)}


def _board(organisation: Organisation, people: dict[str, User]) -> User:
    username = "gremium" if organisation.slug == "lindenfeld" else "gremium-birkenau"
    board: User = people[username]
    return board


def _periods(start: datetime.date) -> list[tuple[str, datetime.date, datetime.date]]:
    """A quarter before the start, and two quarters after it that have ended."""
    return [
        ("baseline", start - datetime.timedelta(days=91), start - datetime.timedelta(days=1)),
        ("follow_up", start + datetime.timedelta(days=7), start + datetime.timedelta(days=97)),
        ("follow_up", start + datetime.timedelta(days=98), start + datetime.timedelta(days=188)),
    ]


def load_portfolio_demo(
    organisations: dict[str, Organisation], people: dict[str, User], reason: str = REASON
) -> None:
    """Rate the demo's ideas and plans, record outcomes of its running use cases."""
    today = timezone.localdate()
    for slug, organisation in organisations.items():
        board = _board(organisation, people)
        use_cases = UseCase.objects.filter(organisation=organisation)
        for use_case in use_cases.filter(title__in=RATINGS):
            if not CandidateRating.objects.filter(use_case=use_case).exists():
                benefit, effort, note = RATINGS[use_case.title]
                services.rate_candidate(
                    use_case, actor=board, benefit=benefit, effort=effort, note=note, reason=reason
                )
        for use_case in use_cases.filter(title__in=OUTCOMES, start_date__isnull=False):
            assert use_case.start_date is not None
            for kind, values in OUTCOMES[use_case.title].items():
                for (phase, begin, end), value in zip(
                    _periods(use_case.start_date), values, strict=True
                ):
                    exists = Measurement.objects.filter(
                        use_case=use_case,
                        indicator__kind=kind,
                        period_start=begin,
                        period_end=end,
                    ).exists()
                    if exists or end > today:
                        continue
                    services.record_measurement(
                        use_case,
                        actor=board,
                        indicator=kind,
                        phase=phase,
                        period_start=begin,
                        period_end=end,
                        value=Decimal(value),
                        source=SOURCE[kind],
                        reason=reason,
                    )
        for kind in PUBLIC.get(slug, ()):
            if not Indicator.objects.filter(
                organisation=organisation, kind=kind, is_public=True
            ).exists():
                services.set_indicator_publication(
                    organisation, kind, actor=board, is_public=True, reason=reason
                )
