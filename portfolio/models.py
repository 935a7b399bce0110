"""Ratings of use case ideas, the board's outcome indicators and their measurements."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from registry.models import UseCase


class Scale(models.IntegerChoices):
    VERY_LOW = 1, _("1 – sehr gering")
    LOW = 2, _("2 – gering")
    MEDIUM = 3, _("3 – mittel")
    HIGH = 4, _("4 – hoch")
    VERY_HIGH = 5, _("5 – sehr hoch")


class CandidateRating(models.Model):
    """The expected benefit and effort of a use case, as its owner or the board rates them."""

    use_case = models.OneToOneField(
        UseCase,
        on_delete=models.CASCADE,
        related_name="candidate_rating",
        verbose_name=_("KI-Anwendungsfall"),
    )
    benefit = models.PositiveSmallIntegerField(
        _("Erwarteter Nutzen"),
        choices=Scale.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Entlastung, weniger Rückfragen, stabilere Bearbeitungszeiten."),
    )
    effort = models.PositiveSmallIntegerField(
        _("Erwarteter Aufwand"),
        choices=Scale.choices,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("Kosten, Umbau der Fachverfahren, Schulung."),
    )
    note = models.TextField(_("Begründung der Einschätzung"), blank=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("Historie Einschätzung"))

    class Meta:
        verbose_name = _("Einschätzung eines Vorhabens")
        verbose_name_plural = _("Einschätzungen von Vorhaben")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(benefit__gte=1, benefit__lte=5),
                name="candidaterating_benefit_scale",
            ),
            models.CheckConstraint(
                condition=models.Q(effort__gte=1, effort__lte=5),
                name="candidaterating_effort_scale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use_case}: {self.benefit}/{self.effort}"


class Indicator(models.Model):
    """An outcome indicator of one organisation: a standard one or one the board defined."""

    class Kind(models.TextChoices):
        PROCESSING_TIME = "processing_time", _("Bearbeitungszeit (Median, Tage)")
        FOLLOW_UP_RATE = "follow_up_rate", _("Rückfragen je Fall")
        CASE_VOLUME = "case_volume", _("Fallzahl im Zeitraum")
        STAFF_HOURS = "staff_hours", _("Personalstunden je Monat")
        ERROR_RATE = "error_rate", _("Fehler- oder Widerspruchsquote (%)")
        CUSTOM = "custom", _("eigene Kennzahl")

    class Direction(models.TextChoices):
        LOWER = "lower", _("niedriger ist besser")
        HIGHER = "higher", _("höher ist besser")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="outcome_indicators",
        verbose_name=_("Organisation"),
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("Bezeichnung"), max_length=120)
    unit = models.CharField(_("Einheit"), max_length=40, blank=True)
    direction = models.CharField(
        _("Richtung"), max_length=10, choices=Direction.choices, default=Direction.LOWER
    )
    is_public = models.BooleanField(
        _("öffentlich"),
        default=False,
        help_text=_(
            "Messwerte erscheinen im Transparenzbericht, im Register und in den Open Data."
        ),
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("Historie Kennzahl"))

    class Meta:
        ordering = ["organisation", "kind", "name"]
        verbose_name = _("Wirkungskennzahl")
        verbose_name_plural = _("Wirkungskennzahlen")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "kind"],
                condition=~models.Q(kind="custom"),
                name="indicator_one_standard_kind_per_organisation",
            ),
            models.UniqueConstraint(
                fields=["organisation", "name"], name="indicator_unique_name_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    """One value of an indicator for one use case over one period, with its source."""

    class Phase(models.TextChoices):
        BASELINE = "baseline", _("Ausgangswert vor der Einführung")
        FOLLOW_UP = "follow_up", _("Messung im Betrieb")

    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.CASCADE,
        related_name="outcome_measurements",
        verbose_name=_("KI-Anwendungsfall"),
    )
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name=_("Kennzahl"),
    )
    phase = models.CharField(_("Phase"), max_length=10, choices=Phase.choices)
    period_start = models.DateField(_("Zeitraum von"))
    period_end = models.DateField(_("Zeitraum bis"))
    value = models.DecimalField(
        _("Wert"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)]
    )
    source = models.CharField(
        _("Quelle"),
        max_length=200,
        help_text=_("z. B. Auswertung des Fachverfahrens, Stichprobe, Zeiterfassung"),
    )
    note = models.TextField(_("Anmerkung"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("Historie Messwert"))

    class Meta:
        ordering = ["use_case", "indicator", "period_end"]
        verbose_name = _("Messwert")
        verbose_name_plural = _("Messwerte")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="measurement_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(value__gte=0), name="measurement_value_not_negative"
            ),
            models.UniqueConstraint(
                fields=["use_case", "indicator", "period_start", "period_end"],
                name="measurement_one_value_per_period",
            ),
        ]
        indexes = [
            models.Index(fields=["indicator", "period_end"], name="measurement_indicator_end_idx"),
            # A use case's series per indicator and phase, newest last, with its values: the
            # outcome trend and the quarterly series read only this index (PostgreSQL).
            models.Index(
                fields=["use_case", "indicator", "phase", "period_end", "id"],
                include=["value"],
                name="measurement_series_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_start}–{self.period_end})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.period_start and self.period_end and self.period_end < self.period_start:
            errors["period_end"] = str(_("Das Ende des Zeitraums liegt vor seinem Beginn."))
        if (
            self.indicator_id
            and self.use_case_id
            and self.indicator.organisation_id != self.use_case.organisation_id
        ):
            errors["indicator"] = str(_("Die Kennzahl gehört zu einer anderen Organisation."))
        if errors:
            raise ValidationError(errors)
