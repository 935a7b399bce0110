"""The reporting clocks of an incident as data: which report is due to whom, by when, and why.

Like the risk engine's RULES, the clocks are read, never restated: the incident page, the
reminders and the dashboard's overdue reports all ask `applicable_clocks` and `deadline`.
A clock runs from the moment the organisation became aware of the incident. Periods in days are
calendar days on the organisation's local clock (a deadline keeps its wall-clock time across a
change to or from summer time); periods in hours are elapsed hours. A period of zero means
"immediately" (unverzüglich): the report is due at once and shown as overdue until it is made.

Legal references stay German citations in every language, as in governance/risk/engine.py.
Texts read for this table: Regulation (EU) 2024/1689 (KI-VO) Art. 3 point 49, Art. 26(5) and
Art. 73(2) to (4); Regulation (EU) 2016/679 (DSGVO) Art. 33(1).
"""

import datetime
import zoneinfo
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Bump whenever a clock changes; a recorded report names the version it was due under.
CLOCK_SET_VERSION: Final = "2026.1"


class IncidentFacts(Protocol):
    """What a clock asks of an incident (incidents.models.Incident has these fields)."""

    effect: str
    death: bool
    widespread_or_critical_infrastructure: bool
    personal_data_involved: bool


def _serious(incident: IncidentFacts) -> bool:
    return incident.effect == "serious"


@dataclass(frozen=True)
class Clock:
    """One reporting duty: its recipient, its period after awareness, its legal source."""

    key: str
    label: Promise
    recipient: Promise
    source: str
    applies: Callable[[IncidentFacts], bool]
    days: int = 0
    hours: int = 0
    # The day the duty applies from (Art. 113 KI-VO: 2 August 2026 for Art. 26 and 73; Art. 99
    # DSGVO: 25 May 2018); incidents the organisation became aware of earlier get no clock.
    valid_from: datetime.date = datetime.date(2026, 8, 2)

    @property
    def immediately(self) -> bool:
        return not self.days and not self.hours

    def deadline(self, aware_at: datetime.datetime, time_zone: str) -> datetime.datetime:
        """When the report is due, for awareness at `aware_at` in the organisation's time zone."""
        local = aware_at.astimezone(zoneinfo.ZoneInfo(time_zone))
        # Calendar days on the local clock: add to the naive wall time, then attach the zone
        # again, so that a deadline across a change of summer time keeps its hour.
        zone = zoneinfo.ZoneInfo(time_zone)
        wall = local.replace(tzinfo=None) + datetime.timedelta(days=self.days)
        in_days = wall.replace(tzinfo=zone)
        # Elapsed hours: aware arithmetic in one zone is wall-clock arithmetic, so go via UTC.
        elapsed = in_days.astimezone(datetime.UTC) + datetime.timedelta(hours=self.hours)
        return elapsed.astimezone(zone)


CLOCKS: Final[tuple[Clock, ...]] = (
    Clock(
        key="provider",
        label=_("Anbieter informieren"),
        recipient=_("Anbieter des KI-Systems (danach Einführer oder Händler)"),
        source="Art. 26 Abs. 5 UAbs. 1 KI-VO",
        applies=_serious,
    ),
    Clock(
        key="authority_15_days",
        label=_("Schwerwiegenden Vorfall melden"),
        recipient=_("Marktüberwachungsbehörde"),
        source="Art. 73 Abs. 2 KI-VO i. V. m. Art. 26 Abs. 5 KI-VO",
        applies=_serious,
        days=15,
    ),
    Clock(
        key="authority_death",
        label=_("Todesfall melden"),
        recipient=_("Marktüberwachungsbehörde"),
        source="Art. 73 Abs. 4 KI-VO",
        applies=lambda incident: _serious(incident) and incident.death,
        days=10,
    ),
    Clock(
        key="authority_widespread",
        label=_("Weitreichenden Verstoß oder Störung kritischer Infrastruktur melden"),
        recipient=_("Marktüberwachungsbehörde"),
        source="Art. 73 Abs. 3 KI-VO i. V. m. Art. 3 Nr. 49 Buchst. b KI-VO",
        applies=lambda incident: _serious(incident)
        and incident.widespread_or_critical_infrastructure,
        days=2,
    ),
    Clock(
        key="gdpr_breach",
        label=_("Verletzung des Schutzes personenbezogener Daten melden"),
        recipient=_("Datenschutz-Aufsichtsbehörde (über die oder den Datenschutzbeauftragten)"),
        source="Art. 33 Abs. 1 DSGVO",
        applies=lambda incident: incident.personal_data_involved,
        hours=72,
        valid_from=datetime.date(2018, 5, 25),
    ),
)
CLOCKS_BY_KEY: Final[dict[str, Clock]] = {clock.key: clock for clock in CLOCKS}
CLOCK_CHOICES: Final[list[tuple[str, Promise]]] = [(clock.key, clock.label) for clock in CLOCKS]


def applicable_clocks(incident: IncidentFacts, aware_at: datetime.datetime) -> list[Clock]:
    """The clocks that run for the incident: those whose rule applies and that were in force."""
    return [
        clock for clock in CLOCKS if clock.applies(incident) and aware_at.date() >= clock.valid_from
    ]
