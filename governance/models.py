"""Governance records of a use case: its risk classification, obligations, reviews and decisions."""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from governance.reports.periods import Period
from governance.risk.dates import TimingState, state_on
from governance.workflow import REVIEWER_ROLE_CHOICES
from registry.models import UseCase

# The decision tree's outcome while it is unfinished or an answer on its path is "weiß nicht"
# (governance.risk.tree); the use case itself then stays "noch nicht eingestuft".
UNDETERMINED = "undetermined"
CLASSIFICATION_CHOICES = [
    *UseCase.RiskClass.choices,
    (UNDETERMINED, _("offen (noch nicht eingestuft)")),
]


def use_case_risk_class(classification_class: str) -> str:
    """The use case's risk class for a classification's: an open one leaves it unclassified."""
    if classification_class == UNDETERMINED:
        return str(UseCase.RiskClass.UNCLASSIFIED)
    return classification_class


class RiskClassification(models.Model):
    """The questionnaire answers of a use case and what the rule engine derived from them."""

    use_case = models.OneToOneField(
        UseCase,
        on_delete=models.CASCADE,
        related_name="risk_classification",
        verbose_name=_("KI-Anwendungsfall"),
    )
    facts = models.JSONField(_("Antworten des Fragebogens"), default=dict)
    risk_class = models.CharField(
        _("Risikoklasse (KI-VO)"), max_length=20, choices=CLASSIFICATION_CHOICES
    )
    obligations = models.JSONField(_("Pflichten"), default=list, blank=True)
    reasons = models.JSONField(_("Begründung"), default=list, blank=True)
    # Per obligation: from when it applies, by which route and provision (governance.risk.dates).
    timeline = models.JSONField(
        _("Geltungsbeginn der Pflichten"),
        default=list,
        db_default=models.Value([], output_field=models.JSONField()),
        blank=True,
    )
    rule_set_version = models.CharField(_("Version des Regelwerks"), max_length=20)
    classified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("eingestuft von"),
    )
    classified_at = models.DateTimeField(_("eingestuft am"))

    history = HistoricalRecords(verbose_name=_("Historie Risikoeinstufung"))

    class Meta:
        verbose_name = _("Risikoeinstufung")
        verbose_name_plural = _("Risikoeinstufungen")

    def __str__(self) -> str:
        return f"{self.use_case}: {self.get_risk_class_display()}"


class ObligationItem(models.Model):
    """One obligation of a use case, tracked until it is done or found not applicable."""

    class Obligation(models.TextChoices):
        ART_4_AI_LITERACY = "art_4_ai_literacy", _("KI-Kompetenz des Personals (Art. 4 KI-VO)")
        ART_5_PROHIBITED = "art_5_prohibited", _("Verbotene Praxis: nicht einsetzen (Art. 5 KI-VO)")
        ART_6_4_DOCUMENTATION = (
            "art_6_4_documentation",
            _("Bewertung „nicht hochriskant“ dokumentieren (Art. 6 Abs. 4 KI-VO)"),
        )
        ART_16_PROVIDER_OBLIGATIONS = (
            "art_16_provider_obligations",
            _("Anbieterpflichten für Hochrisiko-Systeme (Art. 16 KI-VO)"),
        )
        ART_23_IMPORTER_OBLIGATIONS = (
            "art_23_importer_obligations",
            _("Pflichten des Einführers (Art. 23 KI-VO)"),
        )
        ART_24_DISTRIBUTOR_OBLIGATIONS = (
            "art_24_distributor_obligations",
            _("Pflichten des Händlers (Art. 24 KI-VO)"),
        )
        ART_26_DEPLOYER_OBLIGATIONS = (
            "art_26_deployer_obligations",
            _("Betreiberpflichten für Hochrisiko-Systeme (Art. 26 KI-VO)"),
        )
        ART_26_10_POST_REMOTE_BIOMETRIC_IDENTIFICATION = (
            "art_26_10_post_remote_biometric_identification",
            _("Genehmigung nachträglicher biometrischer Fernidentifizierung (Art. 26 Abs. 10)"),
        )
        ART_26_11_INFORM_AFFECTED_PERSONS = (
            "art_26_11_inform_affected_persons",
            _("Betroffene über den Einsatz informieren (Art. 26 Abs. 11 KI-VO)"),
        )
        ART_27_FRIA = "art_27_fria", _("Grundrechte-Folgenabschätzung (Art. 27 KI-VO)")
        ART_49_REGISTRATION = (
            "art_49_registration",
            _("Registrierung (EU-Datenbank oder national, Art. 49 KI-VO)"),
        )
        ART_53_GPAI_MODEL_PROVIDER = (
            "art_53_gpai_model_provider",
            _("Pflichten des Anbieters eines KI-Modells mit allgemeinem Zweck (Art. 53 KI-VO)"),
        )
        ART_86_EXPLANATION = (
            "art_86_explanation",
            _("Erläuterung von Einzelentscheidungen (Art. 86 KI-VO)"),
        )
        ART_50_1 = "art_50_1", _("Hinweis auf Interaktion mit KI (Art. 50 Abs. 1 KI-VO)")
        ART_50_2 = "art_50_2", _("Kennzeichnung synthetischer Inhalte (Art. 50 Abs. 2 KI-VO)")
        ART_50_3 = (
            "art_50_3",
            _("Information über Emotionserkennung/biometrische Kategorisierung (Art. 50 Abs. 3)"),
        )
        ART_50_4 = "art_50_4", _("Offenlegung von Deepfakes und KI-Texten (Art. 50 Abs. 4 KI-VO)")
        DPIA = "dpia", _("Datenschutz-Folgenabschätzung (Art. 35 DSGVO)")
        STAFF_COUNCIL = (
            "staff_council",
            _("Beteiligung des Personalrats (§ 80 Abs. 1 Nr. 21 BPersVG)"),
        )

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        DONE = "done", _("erledigt")
        NOT_APPLICABLE = "not_applicable", _("nicht zutreffend")

    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.CASCADE,
        related_name="obligation_items",
        verbose_name=_("KI-Anwendungsfall"),
    )
    obligation = models.CharField(_("Pflicht"), max_length=60, choices=Obligation.choices)
    # False once the classification or the use case no longer gives rise to the obligation; the
    # row stays so its evidence is not lost if the obligation comes back.
    applies = models.BooleanField(_("gilt"), default=True)
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    reason = models.TextField(_("Begründung"), blank=True)
    evidence_url = models.URLField(_("Nachweis (Link)"), max_length=500, blank=True)
    # The date of the evidence (the assessment's date): periodic reviews compare it with the
    # use case's last substantive change.
    evidence_date = models.DateField(_("Stand des Nachweises"), null=True, blank=True)
    # Where the law puts the duty on the organisation (governance.assessments), the board
    # confirms the evidence; new evidence needs a new confirmation.
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("bestätigt vom KI-Gremium durch"),
    )
    confirmed_at = models.DateTimeField(_("bestätigt am"), null=True, blank=True)
    # From the classification's timeline; empty for obligations outside the AI Act (DPIA, staff
    # council), and applies_from empty with a source where the Act does not apply on this route.
    applies_from = models.DateField(_("gilt ab"), null=True, blank=True)
    applies_from_source = models.CharField(
        _("Rechtsquelle des Geltungsbeginns"), max_length=200, blank=True, db_default=""
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("zuletzt bearbeitet von"),
    )
    updated_at = models.DateTimeField(_("zuletzt bearbeitet am"), null=True, blank=True)

    history = HistoricalRecords(verbose_name=_("Historie Pflicht"))

    class Meta:
        ordering = ["use_case", "obligation"]
        verbose_name = _("Pflicht")
        verbose_name_plural = _("Pflichten")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "obligation"], name="obligationitem_unique_per_use_case"
            ),
            models.CheckConstraint(
                condition=~Q(status="not_applicable") | ~Q(reason=""),
                name="obligationitem_not_applicable_has_reason",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "applies"], name="obligationitem_open_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.use_case}: {self.get_obligation_display()}"

    def timing_on(self, on: datetime.date) -> tuple[TimingState, int | None] | None:
        """In force, coming (days left) or not applicable on `on`; None without a date rule."""
        if not self.applies_from_source:
            return None
        return state_on(self.applies_from, on)


class AiLiteracyMeasure(models.Model):
    """One measure an organisation took to support its staff's AI literacy (Art. 4 KI-VO).

    Art. 4 is a duty of the organisation as a whole, so its evidence (training records) is kept
    once per organisation, not on every use case.
    """

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="ai_literacy_measures",
        verbose_name=_("Organisation"),
    )
    title = models.CharField(_("Maßnahme"), max_length=200)
    carried_out_on = models.DateField(_("durchgeführt am"))
    evidence_reference = models.CharField(
        _("Nachweis (Fundstelle oder Link)"),
        max_length=500,
        help_text=_("Etwa Teilnahmeliste, Aktenzeichen oder Adresse des Schulungsnachweises."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("erfasst von"),
    )
    recorded_at = models.DateTimeField(_("erfasst am"))

    history = HistoricalRecords(verbose_name=_("Historie KI-Kompetenz-Maßnahme"))

    class Meta:
        ordering = ["organisation", "-carried_out_on", "-pk"]
        verbose_name = _("Maßnahme zur KI-Kompetenz (Art. 4 KI-VO)")
        verbose_name_plural = _("Maßnahmen zur KI-Kompetenz (Art. 4 KI-VO)")

    def __str__(self) -> str:
        return f"{self.organisation}: {self.title} ({self.carried_out_on})"


class ReclassificationChange(models.Model):
    """A use case whose class or obligations changed when a new rule set re-checked it.

    The board's list of what a change of the law (a new RULE_SET_VERSION) means for its use
    cases; the classification's own history keeps the previous version in full.
    """

    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.CASCADE,
        related_name="reclassification_changes",
        verbose_name=_("KI-Anwendungsfall"),
    )
    from_version = models.CharField(_("bisheriges Regelwerk"), max_length=20)
    to_version = models.CharField(_("neues Regelwerk"), max_length=20)
    old_risk_class = models.CharField(
        _("bisherige Risikoklasse"), max_length=20, choices=UseCase.RiskClass.choices
    )
    new_risk_class = models.CharField(
        _("neue Risikoklasse"), max_length=20, choices=UseCase.RiskClass.choices
    )
    added_obligations = models.JSONField(_("neue Pflichten"), default=list, blank=True)
    removed_obligations = models.JSONField(_("entfallene Pflichten"), default=list, blank=True)
    created_at = models.DateTimeField(_("festgestellt am"))

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Geänderte Einstufung")
        verbose_name_plural = _("Geänderte Einstufungen")
        constraints = [
            # A re-check delivered twice finds the same change and must not list it twice.
            models.UniqueConstraint(
                fields=["use_case", "to_version"], name="reclassificationchange_once_per_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.use_case}: {self.from_version} → {self.to_version}"


class Submission(models.Model):
    """One round of review: a use case handed in (or sent back) for sign-offs and a decision."""

    class Kind(models.TextChoices):
        SUBMITTED = "submitted", _("eingereicht")
        CHANGED = "changed", _("wesentlich geändert, erneut in Prüfung")

    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.CASCADE,
        related_name="submissions",
        verbose_name=_("KI-Anwendungsfall"),
    )
    kind = models.CharField(_("Anlass"), max_length=20, choices=Kind.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("eingereicht von"),
    )
    submitted_at = models.DateTimeField(_("eingereicht am"))
    note = models.TextField(_("Anmerkung"), blank=True)
    # The state the round started from: a change to a system in operation returns it there.
    previous_state = models.CharField(
        _("vorheriger Bearbeitungsstand"), max_length=20, choices=UseCase.WorkflowState.choices
    )

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        get_latest_by = ["submitted_at", "pk"]
        verbose_name = _("Einreichung")
        verbose_name_plural = _("Einreichungen")

    def __str__(self) -> str:
        return f"{self.use_case}: {self.get_kind_display()}"


class SignOff(models.Model):
    """A reviewer's verdict on one submission: agree, or object with a reason."""

    class Verdict(models.TextChoices):
        AGREE = "agree", _("Zustimmung")
        OBJECT = "object", _("Einwand")

    submission = models.ForeignKey(
        Submission,
        on_delete=models.CASCADE,
        related_name="sign_offs",
        verbose_name=_("Einreichung"),
    )
    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.CASCADE,
        related_name="sign_offs",
        verbose_name=_("KI-Anwendungsfall"),
    )
    # The reviewer roles of governance.workflow.SIGN_OFF_RULES; a new one needs a migration.
    role = models.CharField(_("Rolle"), max_length=20, choices=REVIEWER_ROLE_CHOICES)
    verdict = models.CharField(_("Votum"), max_length=10, choices=Verdict.choices)
    reason = models.TextField(_("Begründung"), blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("abgegeben von"),
    )
    signed_at = models.DateTimeField(_("abgegeben am"))

    class Meta:
        ordering = ["-signed_at", "-pk"]
        verbose_name = _("Votum")
        verbose_name_plural = _("Voten")
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "role"], name="signoff_one_per_role_and_submission"
            ),
            models.CheckConstraint(
                condition=Q(verdict="agree") | ~Q(reason=""),
                name="signoff_objection_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.get_verdict_display()}"


class Decision(models.Model):
    """The board's decision on one submission, always with a rationale."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", _("freigegeben")
        CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
        REJECTED = "rejected", _("abgelehnt")

    submission = models.OneToOneField(
        Submission,
        on_delete=models.CASCADE,
        related_name="decision",
        verbose_name=_("Einreichung"),
    )
    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.CASCADE,
        related_name="decisions",
        verbose_name=_("KI-Anwendungsfall"),
    )
    outcome = models.CharField(_("Entscheidung"), max_length=20, choices=Outcome.choices)
    rationale = models.TextField(_("Begründung"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("entschieden von"),
    )
    decided_at = models.DateTimeField(_("entschieden am"))

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("Entscheidung")
        verbose_name_plural = _("Entscheidungen")
        constraints = [
            models.CheckConstraint(condition=~Q(rationale=""), name="decision_has_rationale"),
        ]
        indexes = [models.Index(fields=["-decided_at"], name="decision_recent_idx")]

    def __str__(self) -> str:
        return f"{self.use_case}: {self.get_outcome_display()}"


class SentNotification(models.Model):
    """A mail that went out, keyed so that a task delivered twice does not send it twice."""

    key = models.CharField(_("Schlüssel"), max_length=200, unique=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("Empfänger"),
    )
    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        verbose_name=_("KI-Anwendungsfall"),
    )
    sent_at = models.DateTimeField(_("gesendet am"), auto_now_add=True)
    # A review digest's lines as [use case id, review date, overdue]: the next run tells from
    # them what is new for the person (governance.emails.send_review_reminders).
    lines = models.JSONField(_("Inhalt"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("versandte Benachrichtigung")
        verbose_name_plural = _("versandte Benachrichtigungen")

    def __str__(self) -> str:
        return self.key


def _report_pdf_path(report: "TransparencyReport", filename: str) -> str:
    return f"berichte/{report.organisation.slug}/{filename}"


class TransparencyReport(models.Model):
    """An organisation's transparency report for one period, rendered by a Celery task."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("in der Warteschlange")
        RUNNING = "running", _("wird erstellt")
        DONE = "done", _("fertig")
        FAILED = "failed", _("fehlgeschlagen")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="transparency_reports",
        verbose_name=_("Organisation"),
    )
    period_start = models.DateField(_("Zeitraum von"))
    period_end = models.DateField(_("Zeitraum bis"))
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    progress = models.PositiveSmallIntegerField(_("Fortschritt (%)"), default=0)
    error = models.TextField(_("Fehler"), blank=True)
    # Which delivery of the task owns the current run: a task delivered twice must not let an
    # older run overwrite a newer one's result.
    run_token = models.CharField(max_length=40, blank=True, editable=False)
    html = models.TextField(_("Bericht (HTML)"), blank=True, editable=False)
    pdf = models.FileField(_("Bericht (PDF)"), upload_to=_report_pdf_path, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("angefordert von"),
    )
    created_at = models.DateTimeField(_("angefordert am"), auto_now_add=True)
    started_at = models.DateTimeField(_("begonnen am"), null=True, blank=True)
    finished_at = models.DateTimeField(_("fertig am"), null=True, blank=True)
    is_published = models.BooleanField(_("veröffentlicht"), default=False)
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("veröffentlicht von"),
    )
    withdrawn_at = models.DateTimeField(_("zurückgezogen am"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("zurückgezogen von"),
    )

    class Meta:
        ordering = ["-period_end", "-created_at", "-pk"]
        verbose_name = _("Transparenzbericht")
        verbose_name_plural = _("Transparenzberichte")
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=models.F("period_start")),
                name="transparencyreport_period_ordered",
            ),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="transparencyreport_progress_percent"
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(status="done"),
                name="transparencyreport_only_done_published",
            ),
            # One public report per organisation and period: a newer one replaces it.
            models.UniqueConstraint(
                fields=["organisation", "period_start", "period_end"],
                condition=Q(is_published=True),
                name="transparencyreport_one_published_per_period",
            ),
        ]
        indexes = [
            models.Index(
                fields=["organisation", "is_published", "-period_end"],
                name="report_public_list_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.period_label}"

    @property
    def period(self) -> Period:
        return Period(self.period_start, self.period_end)

    @property
    def period_slug(self) -> str:
        return self.period.slug

    @property
    def period_label(self) -> str:
        return self.period.label
