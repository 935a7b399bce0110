"""Maturity records of an organisation: who answers, its assessments over time, its measures."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from maturity.questionnaires import DIMENSIONS, READINESS_MAX_LEVEL, SERVICE_MAX_LEVEL

DIMENSION_CHOICES = [(d.key, d.label) for d in DIMENSIONS]


class AnswererNomination(models.Model):
    """A person the board names to answer one of the maturity questionnaires of its organisation."""

    class Scope(models.TextChoices):
        READINESS = "readiness", _("KI-Bereitschaft der Organisation")
        SERVICES = "services", _("Reifegrad der Verwaltungsleistungen")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="maturity_nominations",
        verbose_name=_("Organisation"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="maturity_nominations",
        verbose_name=_("Person"),
    )
    scope = models.CharField(_("Fragebogen"), max_length=20, choices=Scope.choices)
    is_active = models.BooleanField(_("aktiv"), default=True)
    nominated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        verbose_name=_("benannt von"),
    )
    nominated_at = models.DateTimeField(_("benannt am"))

    history = HistoricalRecords(verbose_name=_("Historie Benennung"))

    class Meta:
        ordering = ["organisation", "scope", "user__username"]
        verbose_name = _("Benennung für die Standortbestimmung")
        verbose_name_plural = _("Benennungen für die Standortbestimmung")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "user", "scope"], name="answerernomination_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.user} ({self.get_scope_display()})"


class ReadinessAssessment(models.Model):
    """One answered readiness questionnaire of an organisation, with the levels it gives.

    A new assessment is a new row: the rows side by side are the trend over time.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="readiness_assessments",
        verbose_name=_("Organisation"),
    )
    questionnaire_version = models.CharField(_("Version des Fragebogens"), max_length=20)
    answers = models.JSONField(_("Antworten"), default=dict)
    # The register's own facts at the time of the assessment (maturity.selectors.governance_basics).
    governance_basics = models.JSONField(_("Governance-Grundlagen"), default=dict)
    # One column per dimension, so that the distribution over all organisations is an aggregate.
    level_digital_foundations = models.PositiveSmallIntegerField(_("Digitale Grundlagen"))
    level_process_clarity = models.PositiveSmallIntegerField(_("Prozessklarheit"))
    level_data_availability = models.PositiveSmallIntegerField(_("Datenverfügbarkeit"))
    level_responsibilities = models.PositiveSmallIntegerField(_("Organisatorische Zuständigkeiten"))
    level_governance_basics = models.PositiveSmallIntegerField(_("Governance-Grundlagen"))
    note = models.TextField(_("Anmerkung"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bewertet von"),
    )
    assessed_at = models.DateTimeField(_("bewertet am"))

    history = HistoricalRecords(verbose_name=_("Historie Standortbestimmung"))

    class Meta:
        ordering = ["organisation", "-assessed_at", "-pk"]
        get_latest_by = ["assessed_at", "pk"]
        verbose_name = _("Standortbestimmung (KI-Bereitschaft)")
        verbose_name_plural = _("Standortbestimmungen (KI-Bereitschaft)")
        constraints = [
            models.CheckConstraint(
                condition=Q(level_digital_foundations__lte=READINESS_MAX_LEVEL)
                & Q(level_process_clarity__lte=READINESS_MAX_LEVEL)
                & Q(level_data_availability__lte=READINESS_MAX_LEVEL)
                & Q(level_responsibilities__lte=READINESS_MAX_LEVEL)
                & Q(level_governance_basics__lte=READINESS_MAX_LEVEL),
                name="readinessassessment_levels_in_scale",
            ),
        ]
        indexes = [
            # The latest assessment per organisation: the distribution reads it for all of them.
            models.Index(fields=["organisation", "assessed_at"], name="readiness_org_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.assessed_at:%d.%m.%Y}"

    def level_of(self, dimension: str) -> int:
        level: int = getattr(self, f"level_{dimension}")
        return level


class ServiceAssessment(models.Model):
    """One assessment of an administrative service's OZG maturity (Reifegradmodell 2.0)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="service_assessments",
        verbose_name=_("Organisation"),
    )
    leika_key = models.CharField(_("LeiKa-Schlüssel"), max_length=14)
    service_name = models.CharField(_("Leistung"), max_length=300, blank=True)
    questionnaire_version = models.CharField(_("Version des Fragebogens"), max_length=20)
    # Per criterion the level reached, or null where the service does not need it.
    answers = models.JSONField(_("Antworten"), default=dict)
    # Per use case id (as a string), the criteria it helps the service with.
    use_case_support = models.JSONField(
        _("Beitrag der KI-Anwendungsfälle"), default=dict, blank=True
    )
    level = models.PositiveSmallIntegerField(_("Reifegrad"), null=True)
    note = models.TextField(_("Anmerkung"), blank=True)
    assessed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("bewertet von"),
    )
    assessed_at = models.DateTimeField(_("bewertet am"))

    history = HistoricalRecords(verbose_name=_("Historie Reifegrad einer Leistung"))

    class Meta:
        ordering = ["organisation", "leika_key", "-assessed_at", "-pk"]
        verbose_name = _("Reifegrad einer Verwaltungsleistung")
        verbose_name_plural = _("Reifegrade der Verwaltungsleistungen")
        constraints = [
            models.CheckConstraint(
                condition=Q(level__isnull=True) | Q(level__lte=SERVICE_MAX_LEVEL),
                name="serviceassessment_level_in_scale",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "leika_key", "assessed_at"], name="service_org_key_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.leika_key} ({self.assessed_at:%d.%m.%Y})"


class MaturityMeasure(models.Model):
    """A measure the board plans against a maturity gap, with its owner, due date and status."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("geplant")
        IN_PROGRESS = "in_progress", _("in Umsetzung")
        DONE = "done", _("erledigt")
        DROPPED = "dropped", _("verworfen")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="maturity_measures",
        verbose_name=_("Organisation"),
    )
    dimension = models.CharField(_("Dimension"), max_length=30, choices=DIMENSION_CHOICES)
    title = models.CharField(_("Maßnahme"), max_length=200)
    description = models.TextField(_("Beschreibung"), blank=True)
    owner_role = models.CharField(
        _("verantwortlich (Funktion)"),
        max_length=200,
        help_text=_("Eine Funktion, kein Personenname, z. B. „Leitung Hauptamt“."),
    )
    due_date = models.DateField(_("fällig am"))
    target_level = models.PositiveSmallIntegerField(_("angestrebte Stufe"), null=True, blank=True)
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"))
    updated_at = models.DateTimeField(_("geändert am"))

    history = HistoricalRecords(verbose_name=_("Historie Maßnahme zum Reifegrad"))

    class Meta:
        ordering = ["organisation", "due_date", "pk"]
        verbose_name = _("Maßnahme zum Reifegrad")
        verbose_name_plural = _("Maßnahmen zum Reifegrad")
        constraints = [
            models.CheckConstraint(
                condition=Q(target_level__isnull=True) | Q(target_level__lte=READINESS_MAX_LEVEL),
                name="maturitymeasure_target_in_scale",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "due_date"], name="measure_org_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.title}"
