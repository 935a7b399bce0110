"""The reporting clocks: which apply, and their deadlines on the organisation's local clock."""

import datetime
import zoneinfo
from types import SimpleNamespace

from incidents.clocks import CLOCKS, CLOCKS_BY_KEY, applicable_clocks

BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")


def _facts(**fields):
    values = {
        "effect": "none",
        "death": False,
        "widespread_or_critical_infrastructure": False,
        "personal_data_involved": False,
        **fields,
    }
    return SimpleNamespace(**values)


def _elapsed(start, end):
    # Python subtracts datetimes of one zone by wall clock; the elapsed time is in UTC.
    return end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)


AWARE = datetime.datetime(2026, 10, 20, 10, 0, tzinfo=BERLIN)


def test_every_clock_names_its_legal_source_and_a_unique_key():
    assert len(CLOCKS_BY_KEY) == len(CLOCKS)
    for clock in CLOCKS:
        assert "Art." in clock.source and ("KI-VO" in clock.source or "DSGVO" in clock.source)


def test_an_incident_without_effect_and_personal_data_has_no_clock():
    assert applicable_clocks(_facts(effect="minor"), AWARE) == []


def test_a_serious_incident_informs_the_provider_and_reports_within_15_days():
    keys = [c.key for c in applicable_clocks(_facts(effect="serious"), AWARE)]
    assert keys == ["provider", "authority_15_days"]


def test_a_death_and_a_widespread_infringement_add_the_shorter_clocks():
    facts = _facts(effect="serious", death=True, widespread_or_critical_infrastructure=True)
    keys = {c.key for c in applicable_clocks(facts, AWARE)}
    assert keys == {"provider", "authority_15_days", "authority_death", "authority_widespread"}


def test_personal_data_starts_the_72_hour_clock_even_without_effect_on_people():
    keys = [c.key for c in applicable_clocks(_facts(personal_data_involved=True), AWARE)]
    assert keys == ["gdpr_breach"]


def test_a_clock_not_yet_in_force_does_not_run():
    before = datetime.datetime(2026, 7, 1, tzinfo=BERLIN)
    keys = [
        c.key
        for c in applicable_clocks(_facts(effect="serious", personal_data_involved=True), before)
    ]
    assert keys == ["gdpr_breach"]


def test_days_are_calendar_days_on_the_local_clock_across_the_end_of_summer_time():
    # 20 Oct 10:00 CEST + 15 days = 4 Nov 10:00 CET: 361 elapsed hours, not 360.
    due = CLOCKS_BY_KEY["authority_15_days"].deadline(AWARE, "Europe/Berlin")
    assert due == datetime.datetime(2026, 11, 4, 10, 0, tzinfo=BERLIN)
    assert _elapsed(AWARE, due) == datetime.timedelta(hours=361)
    assert due.utcoffset() == datetime.timedelta(hours=1)


def test_days_keep_the_wall_clock_time_across_the_start_of_summer_time():
    aware = datetime.datetime(2027, 3, 26, 9, 30, tzinfo=BERLIN)  # CET
    due = CLOCKS_BY_KEY["authority_widespread"].deadline(aware, "Europe/Berlin")
    assert (due.hour, due.minute, due.day) == (9, 30, 28)
    assert _elapsed(aware, due) == datetime.timedelta(hours=47)


def test_hours_are_elapsed_hours_across_a_change_of_summer_time():
    aware = datetime.datetime(2026, 10, 24, 12, 0, tzinfo=BERLIN)  # CEST, clocks go back on 25 Oct
    due = CLOCKS_BY_KEY["gdpr_breach"].deadline(aware, "Europe/Berlin")
    assert _elapsed(aware, due) == datetime.timedelta(hours=72)
    assert (due.day, due.hour) == (27, 11)  # 11:00 CET, one wall-clock hour earlier


def test_awareness_is_read_in_the_organisations_time_zone():
    # 23:30 UTC on 20 Oct is already 21 Oct in Berlin, still 20 Oct in New York.
    aware = datetime.datetime(2026, 10, 20, 23, 30, tzinfo=datetime.UTC)
    berlin = CLOCKS_BY_KEY["authority_widespread"].deadline(aware, "Europe/Berlin")
    new_york = CLOCKS_BY_KEY["authority_widespread"].deadline(aware, "America/New_York")
    assert (berlin.day, berlin.hour, berlin.minute) == (23, 1, 30)
    assert (new_york.day, new_york.hour) == (22, 19)


def test_immediately_is_due_at_awareness():
    clock = CLOCKS_BY_KEY["provider"]
    assert clock.immediately
    assert clock.deadline(AWARE, "Europe/Berlin") == AWARE
