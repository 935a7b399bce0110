"""Governance records of a use case: its risk classification, obligations, reviews and decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from governance.reports.periods import Period
from governance.workflow import REVIEWER_ROLE_CHOICES
from registry.models import UseCase


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
        _("Risikoklasse (KI-VO)"), max_length=20, choices=UseCase.RiskClass.choices
    )
    obligations = models.JSONField(_("Pflichten"), default=list, blank=True)
    reasons = models.JSONField(_("Begründung"), default=list, blank=True)
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
        ART_26_DEPLOYER_OBLIGATIONS = (
            "art_26_deployer_obligations",
            _("Betreiberpflichten für Hochrisiko-Systeme (Art. 26 KI-VO)"),
        )
        ART_27_FRIA = "art_27_fria", _("Grundrechte-Folgenabschätzung (Art. 27 KI-VO)")
        ART_49_REGISTRATION = (
            "art_49_registration",
            _("Registrierung in der EU-Datenbank (Art. 49 KI-VO)"),
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
    obligation = models.CharField(_("Pflicht"), max_length=40, choices=Obligation.choices)
    # False once the classification or the use case no longer gives rise to the obligation; the
    # row stays so its evidence is not lost if the obligation comes back.
    applies = models.BooleanField(_("gilt"), default=True)
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.OPEN
    )
    reason = models.TextField(_("Begründung"), blank=True)
    evidence_url = models.URLField(_("Nachweis (Link)"), max_length=500, blank=True)
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
        _("vorheriger Prüfstand"), max_length=20, choices=UseCase.WorkflowState.choices
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
