"""Incidents of a use case and their reports, objections received, and their deadlines."""

import zoneinfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from incidents.clocks import CLOCK_CHOICES
from registry.models import UseCase


def validate_time_zone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Diese Zeitzone gibt es nicht (z. B. „Europe/Berlin“)."))


class ResponseSettings(models.Model):
    """An organisation's time zone for reporting clocks and its deadlines for objections."""

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="response_settings",
        verbose_name=_("Organisation"),
    )
    time_zone = models.CharField(
        _("Zeitzone"),
        max_length=60,
        default="Europe/Berlin",
        validators=[validate_time_zone],
        help_text=_("Meldefristen laufen ab Kenntnis nach der Ortszeit dieser Zeitzone."),
    )
    objection_response_days = models.PositiveSmallIntegerField(
        _("Frist für die Bearbeitung eines Widerspruchs (Tage)"),
        default=30,
        help_text=_("So viele Tage nach Eingang muss das Ergebnis der Prüfung feststehen."),
    )
    objector_data_retention_days = models.PositiveSmallIntegerField(
        _("Aufbewahrung der Kontaktdaten nach Abschluss (Tage)"),
        default=180,
        help_text=_(
            "So viele Tage nach dem Abschluss eines Widerspruchs werden Name, Anschrift und "
            "Text der Person gelöscht; Aktenzeichen und Ergebnis bleiben."
        ),
    )
    reminder_hours_before = models.PositiveSmallIntegerField(
        _("Erinnerung vor Fristablauf (Stunden)"), default=24
    )
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("Historie Fristen"))

    class Meta:
        verbose_name = _("Fristen für Störungen und Widersprüche")
        verbose_name_plural = _("Fristen für Störungen und Widersprüche")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(objection_response_days__gte=1),
                name="response_settings_objection_days_positive",
                violation_error_message=_("Die Frist muss mindestens einen Tag betragen."),
            ),
        ]

    def __str__(self) -> str:
        return str(self.organisation)


class Incident(models.Model):
    """Something that went wrong in the operation of a use case, and how it was handled."""

    class Effect(models.TextChoices):
        NONE = "none", _("keine Auswirkung auf Menschen")
        MINOR = "minor", _("geringe Auswirkung")
        SERIOUS = "serious", _("schwerwiegender Vorfall (Art. 3 Nr. 49 KI-VO)")

    class Status(models.TextChoices):
        OPEN = "open", _("offen")
        UNDER_INVESTIGATION = "under_investigation", _("in Untersuchung")
        REPORTED = "reported", _("gemeldet")
        CLOSED = "closed", _("abgeschlossen")

    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.PROTECT,
        related_name="incidents",
        verbose_name=_("KI-Anwendungsfall"),
    )
    title = models.CharField(_("Kurzbezeichnung"), max_length=200)
    description = models.TextField(_("Was ist passiert?"))
    occurred_at = models.DateTimeField(_("eingetreten am"), null=True, blank=True)
    aware_at = models.DateTimeField(
        _("bemerkt am"),
        help_text=_(
            "Zeitpunkt, zu dem die Organisation Kenntnis erlangt hat: ab hier laufen Fristen."
        ),
    )
    effect = models.CharField(
        _("Auswirkung auf Menschen"), max_length=20, choices=Effect.choices, default=Effect.NONE
    )
    death = models.BooleanField(
        _("Todesfall"),
        default=False,
        help_text=_("Der Vorfall hat zum Tod eines Menschen geführt oder dazu beigetragen."),
    )
    widespread_or_critical_infrastructure = models.BooleanField(
        _("weitreichender Verstoß oder Störung kritischer Infrastruktur"),
        default=False,
        help_text=_("Art. 73 Abs. 3 KI-VO; Art. 3 Nr. 49 Buchst. b KI-VO."),
    )
    personal_data_involved = models.BooleanField(
        _("personenbezogene Daten betroffen"),
        default=False,
        help_text=_(
            "Eine Verletzung des Schutzes personenbezogener Daten (Art. 4 Nr. 12 DSGVO); "
            "die oder der Datenschutzbeauftragte sieht den Vorfall."
        ),
    )
    immediate_measures = models.TextField(_("Sofortmaßnahmen"), blank=True)
    root_cause = models.TextField(_("Ursache"), blank=True)
    status = models.CharField(
        _("Stand"), max_length=30, choices=Status.choices, default=Status.OPEN
    )
    resolved_at = models.DateTimeField(_("behoben am"), null=True, blank=True)
    public_note = models.TextField(
        _("Hinweis für die Öffentlichkeit"),
        blank=True,
        help_text=_(
            "In einfacher Sprache, ohne interne Einzelheiten und ohne personenbezogene Daten."
        ),
    )
    note_published = models.BooleanField(
        _("Hinweis veröffentlicht"),
        default=False,
        help_text=_("Das KI-Gremium entscheidet, ob der Hinweis auf der öffentlichen Seite steht."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("Historie Störung"))

    class Meta:
        verbose_name = _("Störung")
        verbose_name_plural = _("Störungen")
        ordering = ["-aware_at", "-pk"]
        indexes = [models.Index(fields=["status", "aware_at"], name="incident_status_aware")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(note_published=True, public_note=""),
                name="incident_published_note_not_empty",
                violation_error_message=_("Ein veröffentlichter Hinweis braucht einen Text."),
            ),
            models.CheckConstraint(
                condition=models.Q(effect="serious")
                | models.Q(death=False, widespread_or_critical_infrastructure=False),
                name="incident_serious_facts_only_when_serious",
                violation_error_message=_(
                    "Ein Todesfall oder eine Störung kritischer Infrastruktur ist ein "
                    "schwerwiegender Vorfall: Bitte wählen Sie diese Auswirkung."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class FollowUpAction(models.Model):
    """A follow-up action of an incident: what, whose (a role, never a private person), by when."""

    # The incident's organisation, so the change log files the row under it (ledger.leaves).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        verbose_name=_("Organisation"),
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="actions", verbose_name=_("Störung")
    )
    description = models.CharField(_("Maßnahme"), max_length=500)
    owner = models.CharField(
        _("verantwortlich"),
        max_length=200,
        help_text=_("Eine Stelle oder Rolle, z. B. „IT-Leitung“."),
    )
    due_date = models.DateField(_("fällig am"))
    done_at = models.DateField(_("erledigt am"), null=True, blank=True)
    history = HistoricalRecords(verbose_name=_("Historie Folgemaßnahme"))

    class Meta:
        verbose_name = _("Folgemaßnahme")
        verbose_name_plural = _("Folgemaßnahmen")
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.description


class IncidentReport(models.Model):
    """A report an incident's clock asked for, made: to whom, when, under which clock."""

    # The incident's organisation, so the change log files the row under it (ledger.leaves).
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="+",
        editable=False,
        verbose_name=_("Organisation"),
    )
    incident = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="reports", verbose_name=_("Störung")
    )
    clock = models.CharField(_("Meldepflicht"), max_length=40, choices=CLOCK_CHOICES)
    clock_set_version = models.CharField(_("Version der Meldefristen"), max_length=20)
    reported_at = models.DateTimeField(_("gemeldet am"))
    reference = models.CharField(_("Aktenzeichen oder Vermerk"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("erfasst von"),
    )
    history = HistoricalRecords(verbose_name=_("Historie Meldung"))

    class Meta:
        verbose_name = _("Meldung")
        verbose_name_plural = _("Meldungen")
        constraints = [
            models.UniqueConstraint(fields=["incident", "clock"], name="incident_report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.incident}: {self.get_clock_display()}"


class SentReminder(models.Model):
    """A deadline reminder that went out: at most one per incident, clock and kind."""

    class Kind(models.TextChoices):
        DUE = "due", _("Frist läuft ab")
        OVERDUE = "overdue", _("Frist überschritten")

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="+")
    clock = models.CharField(max_length=40)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "clock", "kind"], name="incident_reminder_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.incident_id}:{self.clock}:{self.kind}"


class Objection(models.Model):
    """An objection to a use case or a request for human review, and how it was handled.

    The objector's own words and contact data sit in ObjectorContact, which is not
    history-tracked, so that erasing them leaves no copy behind; this record keeps only the
    case number, the dates, the routing and the outcome.
    """

    class Channel(models.TextChoices):
        ONLINE = "online", _("Online-Formular")
        EMAIL = "email", _("E-Mail")
        PHONE = "phone", _("Telefon")
        LETTER = "letter", _("Brief")
        IN_PERSON = "in_person", _("persönlich")

    class Status(models.TextChoices):
        RECEIVED = "received", _("eingegangen")
        IN_REVIEW = "in_review", _("in Prüfung")
        DECIDED = "decided", _("abgeschlossen")

    class Outcome(models.TextChoices):
        UPHELD = "upheld", _("Entscheidung bestätigt")
        CHANGED = "changed", _("Entscheidung geändert")

    use_case = models.ForeignKey(
        UseCase,
        on_delete=models.PROTECT,
        related_name="objections",
        verbose_name=_("KI-Anwendungsfall"),
    )
    case_number = models.CharField(_("Aktenzeichen"), max_length=30, unique=True, editable=False)
    channel = models.CharField(_("Eingangsweg"), max_length=20, choices=Channel.choices)
    received_at = models.DateTimeField(_("eingegangen am"))
    routed_to = models.CharField(
        _("zuständige Stelle"),
        max_length=200,
        help_text=_("Die fachlich verantwortliche Stelle des Anwendungsfalls."),
    )
    due_date = models.DateField(_("zu bearbeiten bis"))
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.RECEIVED
    )
    human_review_done = models.BooleanField(_("menschliche Überprüfung erfolgt"), default=False)
    outcome = models.CharField(_("Ergebnis"), max_length=20, choices=Outcome.choices, blank=True)
    outcome_note = models.TextField(
        _("Begründung des Ergebnisses"),
        blank=True,
        help_text=_("Ohne personenbezogene Daten: sie bleibt nach der Löschung der Kontaktdaten."),
    )
    decided_at = models.DateTimeField(_("abgeschlossen am"), null=True, blank=True)
    personal_data_erased_at = models.DateTimeField(
        _("personenbezogene Daten gelöscht am"), null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("erfasst von"),
        help_text=_("Leer, wenn der Widerspruch über das Online-Formular kam."),
    )
    created_at = models.DateTimeField(_("erfasst am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)
    history = HistoricalRecords(verbose_name=_("Historie Widerspruch"))

    class Meta:
        verbose_name = _("Widerspruch")
        verbose_name_plural = _("Widersprüche")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="decided")
                | (~models.Q(outcome="") & models.Q(human_review_done=True)),
                name="objection_decided_has_outcome_and_review",
                violation_error_message=_(
                    "Abgeschlossen wird ein Widerspruch mit Ergebnis und nach menschlicher "
                    "Überprüfung."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.case_number


class ObjectorContact(models.Model):
    """The objector's words and optional contact data; deleted after the retention period."""

    objection = models.OneToOneField(
        Objection, on_delete=models.CASCADE, related_name="contact", verbose_name=_("Widerspruch")
    )
    statement = models.TextField(_("Anliegen"))
    name = models.CharField(_("Name"), max_length=200, blank=True)
    email = models.EmailField(_("E-Mail-Adresse"), blank=True)
    postal_address = models.TextField(_("Anschrift"), blank=True)
    phone = models.CharField(_("Telefon"), max_length=50, blank=True)
    consent_given_at = models.DateTimeField(_("Einwilligung erteilt am"), null=True, blank=True)

    class Meta:
        verbose_name = _("Kontaktdaten")
        verbose_name_plural = _("Kontaktdaten")

    def __str__(self) -> str:
        return str(self.objection)


class ObjectionMail(models.Model):
    """A mail about an objection that went out: at most one of each kind per objection."""

    class Kind(models.TextChoices):
        ACKNOWLEDGED = "acknowledged", _("Eingangsbestätigung an die Person")
        ROUTED = "routed", _("Benachrichtigung der zuständigen Stelle")
        OUTCOME = "outcome", _("Ergebnis an die Person")

    objection = models.ForeignKey(
        Objection, on_delete=models.CASCADE, related_name="mails", verbose_name=_("Widerspruch")
    )
    kind = models.CharField(_("Art"), max_length=20, choices=Kind.choices)
    sent_at = models.DateTimeField(_("gesendet am"), auto_now_add=True)

    class Meta:
        verbose_name = _("Mail zu einem Widerspruch")
        verbose_name_plural = _("Mails zu Widersprüchen")
        constraints = [
            models.UniqueConstraint(fields=["objection", "kind"], name="objection_mail_once"),
        ]

    def __str__(self) -> str:
        return f"{self.objection}: {self.get_kind_display()}"
