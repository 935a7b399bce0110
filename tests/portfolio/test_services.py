"""Ratings, indicators and measurements: German errors naming the field, nothing changed on bad
input, history with actor and reason."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from portfolio import services
from portfolio.models import CandidateRating, Indicator, Measurement
from tests.portfolio.conftest import measure

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_a_rating_keeps_its_history_with_actor_and_reason(use_case, department_head, board_member):
    services.rate_candidate(use_case, actor=department_head, benefit=3, effort=2)
    rating = services.rate_candidate(
        use_case, actor=board_member, benefit=5, effort=2, reason="Nach Rücksprache"
    )
    rows = list(rating.history.order_by("history_id"))
    assert [(r.benefit, r.history_user, r.history_change_reason) for r in rows] == [
        (3, department_head, "Einschätzung erfasst"),
        (5, board_member, "Nach Rücksprache"),
    ]


@pytest.mark.parametrize(
    ("benefit", "effort", "field"),
    [(0, 3, "benefit"), (6, 3, "benefit"), (3, "viel", "effort"), (True, 3, "benefit")],
)
def test_a_rating_off_the_scale_is_refused_naming_the_field(
    use_case, board_member, benefit, effort, field
):
    with pytest.raises(ValidationError) as exc:
        services.rate_candidate(use_case, actor=board_member, benefit=benefit, effort=effort)
    assert "1 bis 5" in _errors(exc)[field][0]
    assert not CandidateRating.objects.exists()


def test_a_stale_rating_form_saves_nothing(use_case, board_member):
    rating = services.rate_candidate(use_case, actor=board_member, benefit=3, effort=3)
    services.rate_candidate(use_case, actor=board_member, benefit=4, effort=3)
    with pytest.raises(services.ConcurrentChange):
        services.rate_candidate(
            use_case,
            actor=board_member,
            benefit=1,
            effort=1,
            expected_version=rating.updated_at.isoformat(),
        )
    assert CandidateRating.objects.get().benefit == 4


def test_only_the_board_and_the_department_rate(use_case, other_department_head, dpo):
    for person in (other_department_head, dpo):
        with pytest.raises(PermissionDenied):
            services.rate_candidate(use_case, actor=person, benefit=3, effort=3)
    assert not CandidateRating.objects.exists()


def test_a_measurement_names_who_entered_it_and_its_source(running, department_head):
    measurement = measure(running, department_head, "processing_time", "baseline", 210, "38,5")
    assert measurement.value == Decimal("38.50")
    assert measurement.entered_by == department_head
    (row,) = measurement.history.all()
    assert (row.history_user, row.history_change_reason, row.source) == (
        department_head,
        "Messwert erfasst",
        "Fachverfahren",
    )
    # The standard indicator's row appeared with its own history on first use.
    indicator = Indicator.objects.get()
    assert indicator.kind == "processing_time" and indicator.history.count() == 1


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"value": "viel"}, "value", "als Zahl"),
        ({"value": "-1"}, "value", "nicht negativ"),
        ({"value": "NaN"}, "value", "als Zahl"),
        ({"source": "  "}, "source", "Quelle"),
        ({"phase": "irgendwann"}, "phase", "Ausgangswert"),
        ({"indicator": "gluecksquote"}, "indicator", "Kennzahl"),
        (
            {
                "period_start": TODAY - datetime.timedelta(days=5),
                "period_end": TODAY - datetime.timedelta(days=9),
            },
            "period_end",
            "vor seinem Beginn",
        ),
        (
            {"period_start": TODAY, "period_end": TODAY + datetime.timedelta(days=3)},
            "period_end",
            "Zukunft",
        ),
        # The use case started 200 days ago: a baseline must end before that day.
        ({"period_end": TODAY - datetime.timedelta(days=10)}, "period_end", "vor dem Start"),
        ({"period_start": "2026-01-01"}, "period_start", "Datum"),
    ],
)
def test_a_bad_measurement_is_refused_naming_the_field_and_nothing_is_saved(
    running, board_member, change, field, words
):
    arguments = {
        "indicator": "processing_time",
        "phase": "baseline",
        "period_start": TODAY - datetime.timedelta(days=260),
        "period_end": TODAY - datetime.timedelta(days=230),
        "value": "30",
        "source": "Fachverfahren",
        **change,
    }
    with pytest.raises(ValidationError) as exc:
        services.record_measurement(running, actor=board_member, **arguments)
    assert words in _errors(exc)[field][0]
    assert not Measurement.objects.exists()
    # Not even the standard indicator's row: the input is checked before anything is written.
    assert not Indicator.objects.exists()


def test_a_follow_up_measurement_cannot_begin_before_the_start(running, board_member):
    with pytest.raises(ValidationError) as exc:
        measure(running, board_member, "processing_time", "follow_up", 190, "30")
    assert "frühestens mit dem Start" in _errors(exc)["period_start"][0]


def test_the_same_period_twice_is_refused(running, board_member):
    measure(running, board_member, "processing_time", "baseline", 210, "30")
    with pytest.raises(ValidationError) as exc:
        measure(running, board_member, "processing_time", "baseline", 210, "31")
    assert "schon einen Wert" in _errors(exc)["period_start"][0]
    assert Measurement.objects.get().value == Decimal("30.00")


def test_a_correction_keeps_the_old_value_in_the_history(running, board_member):
    measurement = measure(running, board_member, "processing_time", "baseline", 210, "30")
    with pytest.raises(ValidationError) as exc:
        services.correct_measurement(
            measurement, actor=board_member, value="29", source="Fachverfahren", reason=""
        )
    assert "Grund" in _errors(exc)["reason"][0]
    services.correct_measurement(
        measurement, actor=board_member, value="29", source="Fachverfahren", reason="Tippfehler"
    )
    values = [
        (r.value, r.history_change_reason) for r in measurement.history.order_by("history_id")
    ]
    assert values == [(Decimal("30.00"), "Messwert erfasst"), (Decimal("29.00"), "Tippfehler")]


def test_other_departments_and_reviewers_record_no_measurements(
    running, other_department_head, dpo
):
    for person in (other_department_head, dpo):
        with pytest.raises(PermissionDenied):
            measure(running, person, "processing_time", "baseline", 210, "30")
    assert not Measurement.objects.exists()


def test_the_board_defines_and_publishes_indicators(organisation, board_member, department_head):
    with pytest.raises(PermissionDenied):
        services.define_indicator(organisation, actor=department_head, name="Wartezeit")
    with pytest.raises(ValidationError) as exc:
        services.define_indicator(organisation, actor=board_member, name=" ")
    assert "Bezeichnung" in _errors(exc)["name"][0]
    own = services.define_indicator(
        organisation, actor=board_member, name="Wartezeit am Telefon", unit="Minuten"
    )
    with pytest.raises(ValidationError) as exc:
        services.define_indicator(organisation, actor=board_member, name="wartezeit am telefon")
    assert "gibt es schon" in _errors(exc)["name"][0]
    with pytest.raises(ValidationError) as exc:
        services.set_indicator_publication(
            organisation, str(own.pk), actor=board_member, is_public=True, reason=""
        )
    assert "Grund" in _errors(exc)["reason"][0]
    services.set_indicator_publication(
        organisation, str(own.pk), actor=board_member, is_public=True, reason="Ratsbeschluss"
    )
    own.refresh_from_db()
    assert own.is_public
    assert own.history.first().history_change_reason == "Ratsbeschluss"


def test_an_indicator_of_another_organisation_cannot_be_measured(
    running, board_member, foreign_board_member, other_organisation
):
    foreign = services.define_indicator(other_organisation, actor=foreign_board_member, name="X")
    with pytest.raises(ValidationError) as exc:
        services.record_measurement(
            running,
            actor=board_member,
            indicator=str(foreign.pk),
            phase="baseline",
            period_start=TODAY - datetime.timedelta(days=260),
            period_end=TODAY - datetime.timedelta(days=230),
            value="3",
            source="Fachverfahren",
        )
    assert "gibt es hier nicht" in _errors(exc)["indicator"][0]
