from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from accounts.models import Department, Organisation
from registry.validators import validate_leika_key


class AISystem(models.Model):
    """An AI system (product, model, technique, hosting) that several use cases may share."""

    class Technique(models.TextChoices):
        RULE_BASED = "rule_based", _("regelbasiert")
        MACHINE_LEARNING = "machine_learning", _("maschinelles Lernen")
        GENERATIVE = "generative", _("generative KI / Sprachmodell")
        HYBRID = "hybrid", _("hybrid")

    class Hosting(models.TextChoices):
        OWN_DATA_CENTRE = "own_data_centre", _("eigenes Rechenzentrum")
        MUNICIPAL_IT_PROVIDER = "municipal_it_provider", _("kommunaler IT-Dienstleister")
        EU_CLOUD = "eu_cloud", _("Cloud in der EU")
        NON_EU = "non_eu", _("außerhalb der EU")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="ai_systems",
        verbose_name=_("Organisation"),
    )
    name = models.CharField(_("Bezeichnung"), max_length=200)
    vendor = models.CharField(_("Anbieter"), max_length=200, blank=True)
    product = models.CharField(_("Produkt"), max_length=200, blank=True)
    model_name = models.CharField(_("Modell"), max_length=200, blank=True)
    technique = models.CharField(_("Technik"), max_length=20, choices=Technique.choices)
    hosting = models.CharField(_("Betrieb"), max_length=30, choices=Hosting.choices)
    description = models.TextField(_("Beschreibung"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("Historie KI-System"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("KI-System")
        verbose_name_plural = _("KI-Systeme")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="aisystem_unique_name_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class UseCase(models.Model):
    """One application of an AI system for one purpose in one organisation (KI-Anwendungsfall)."""

    class Status(models.TextChoices):
        IDEA = "idea", _("Idee")
        PLANNED = "planned", _("geplant")
        PILOT = "pilot", _("Pilotbetrieb")
        IN_OPERATION = "in_operation", _("im Betrieb")
        RETIRED = "retired", _("außer Betrieb")

    class WorkflowState(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        SUBMITTED = "submitted", _("eingereicht")
        IN_REVIEW = "in_review", _("in Prüfung")
        APPROVED = "approved", _("freigegeben")
        CHANGES_REQUESTED = "changes_requested", _("Änderungen erbeten")
        REJECTED = "rejected", _("abgelehnt")
        IN_OPERATION = "in_operation", _("im Betrieb")
        RETIRED = "retired", _("außer Betrieb")
        SUSPENDED = "suspended", _("ausgesetzt")

    class RiskClass(models.TextChoices):
        UNCLASSIFIED = "", _("noch nicht eingestuft")
        OUT_OF_SCOPE = "out_of_scope", _("kein KI-System im Sinne der KI-VO")
        PROHIBITED = "prohibited", _("verboten")
        HIGH_RISK = "high_risk", _("hohes Risiko")
        TRANSPARENCY = "transparency", _("Transparenzpflichten")
        MINIMAL = "minimal", _("minimales Risiko")

    class OversightMode(models.TextChoices):
        HUMAN_IN_THE_LOOP = "in_the_loop", _("Mensch gibt jedes Ergebnis frei (human-in-the-loop)")
        HUMAN_ON_THE_LOOP = "on_the_loop", _("Mensch überwacht und greift ein (human-on-the-loop)")
        HUMAN_IN_COMMAND = "in_command", _("Mensch steuert den Einsatz (human-in-command)")

    class AssessmentStatus(models.TextChoices):
        OPEN = "open", _("offen")
        DONE = "done", _("durchgeführt")
        NOT_NEEDED = "not_needed", _("nicht erforderlich")

    class StaffCouncilStatus(models.TextChoices):
        NOT_REQUIRED = "not_required", _("nicht erforderlich")
        PENDING = "pending", _("beteiligt, offen")
        AGREED = "agreed", _("zugestimmt")
        REFUSED = "refused", _("abgelehnt")

    class Level(models.TextChoices):
        LOW = "low", _("gering")
        MEDIUM = "medium", _("mittel")
        HIGH = "high", _("hoch")

    class PolicyArea(models.TextChoices):
        ADMINISTRATION = "administration", _("Organisation und Verwaltungsbetrieb")
        CULTURE = "culture", _("Kultur und Freizeit")
        ECONOMY = "economy", _("Wirtschaft")
        PUBLIC_FINANCE = "public_finance", _("öffentliche Finanzen")
        HOUSING = "housing", _("Wohnen")
        INTERNATIONAL = "international", _("Internationales")
        MIGRATION = "migration", _("Migration und Integration")
        ENVIRONMENT = "environment", _("Natur und Umwelt")
        EDUCATION = "education", _("Bildung und Wissenschaft")
        PUBLIC_ORDER = "public_order", _("öffentliche Ordnung und Sicherheit")
        JUSTICE = "justice", _("Recht")
        PLANNING = "planning", _("Bauen, Raumordnung und Infrastruktur")
        SOCIAL_SECURITY = "social_security", _("soziale Sicherung")
        TRAFFIC = "traffic", _("Verkehr")
        EMPLOYMENT = "employment", _("Arbeit")
        HEALTH = "health", _("Gesundheit und Pflege")

    class OpenDataLicence(models.TextChoices):
        DL_DE_BY = "dl-by-de/2.0", _("Datenlizenz Deutschland – Namensnennung – 2.0")
        DL_DE_ZERO = "dl-zero-de/2.0", _("Datenlizenz Deutschland – Zero – 2.0")
        CC_BY = "cc-by/4.0", _("Creative Commons Namensnennung 4.0 International")
        CC_ZERO = "cc-zero", _("Creative Commons Zero 1.0")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="use_cases",
        verbose_name=_("Organisation"),
    )

    # Every field below belongs to one group of registry/field_groups.py, which the admin and the
    # guided form read: a field missing there reaches neither.
    title = models.CharField(_("Bezeichnung"), max_length=200)
    short_description = models.TextField(
        _("Kurzbeschreibung"),
        validators=[MaxLengthValidator(400)],
        help_text=_("In einfacher Sprache, höchstens 400 Zeichen."),
    )
    purpose = models.TextField(_("Zweck"), help_text=_("Welches Problem löst der Einsatz?"))
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.IDEA
    )
    workflow_state = models.CharField(
        _("Bearbeitungsstand"),
        max_length=20,
        choices=WorkflowState.choices,
        default=WorkflowState.DRAFT,
        editable=False,
    )
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    # Facts the transparency standards ask for (NL Algoritmeregister, UK ATRS, Eurocities,
    # Annex VIII Section C): public unless a withheld group covers them.
    policy_area = models.CharField(
        _("Politikfeld"), max_length=30, choices=PolicyArea.choices, blank=True, db_default=""
    )
    benefit = models.TextField(
        _("Nutzen"),
        blank=True,
        db_default="",
        help_text=_("Was gewinnen Bürgerinnen, Bürger und Verwaltung?"),
    )
    previous_process = models.TextField(
        _("bisheriges Verfahren"),
        blank=True,
        db_default="",
        help_text=_("Wie wurde die Aufgabe bisher erledigt?"),
    )
    alternatives_considered = models.TextField(
        _("geprüfte Alternativen"), blank=True, db_default=""
    )

    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="use_cases",
        verbose_name=_("verantwortlicher Fachbereich"),
    )
    responsible_role = models.CharField(
        _("fachlich verantwortliche Stelle"),
        max_length=200,
        help_text=_("Eine Funktion, kein Personenname, z. B. „Sachgebietsleitung Wohngeld“."),
    )
    technical_contact = models.CharField(
        _("technischer Ansprechpartner"), max_length=200, blank=True
    )
    public_contact_email = models.EmailField(
        _("öffentliche Kontaktadresse"),
        blank=True,
        help_text=_("Ein Funktionspostfach, keine persönliche Adresse."),
    )
    deployer_address = models.TextField(
        _("Postanschrift des Betreibers"),
        blank=True,
        db_default="",
        help_text=_("Die Postanschrift der Kommune oder Dienststelle, die das System einsetzt."),
    )
    deployer_representative = models.CharField(
        _("für den Betreiber handelnde Stelle"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_(
            "Eine Funktion oder Dienststelle, kein Personenname (Anhang VIII Abschnitt C)."
        ),
    )

    legal_basis_explanation = models.TextField(_("Erläuterung der Rechtsgrundlage"), blank=True)

    processes_personal_data = models.BooleanField(_("personenbezogene Daten"), default=False)
    processes_special_categories = models.BooleanField(
        _("besondere Kategorien (Art. 9 DSGVO)"), default=False
    )
    data_categories = models.TextField(_("Datenkategorien"), blank=True)
    retention = models.CharField(_("Speicherdauer"), max_length=200, blank=True)
    training_data = models.TextField(
        _("Trainings- und Entwicklungsdaten"),
        blank=True,
        db_default="",
        help_text=_("Mit welchen Daten wurde das System trainiert, angepasst oder getestet?"),
    )
    processing_register_reference = models.CharField(
        _("Eintrag im Verzeichnis von Verarbeitungstätigkeiten"),
        max_length=200,
        blank=True,
        db_default="",
        help_text=_("Nummer oder Bezeichnung im Verzeichnis nach Art. 30 DSGVO."),
    )

    ai_system = models.ForeignKey(
        AISystem,
        on_delete=models.PROTECT,
        related_name="use_cases",
        null=True,
        blank=True,
        verbose_name=_("KI-System"),
    )
    interfaces = models.TextField(_("Schnittstellen zu Fachverfahren"), blank=True)
    complements_rpa = models.BooleanField(_("ergänzt einen RPA-Prozess"), default=False)
    model_task = models.TextField(_("Modell: Aufgabe"), blank=True, db_default="")
    model_inputs = models.TextField(_("Modell: Eingaben"), blank=True, db_default="")
    model_outputs = models.TextField(_("Modell: Ausgaben"), blank=True, db_default="")
    model_version = models.CharField(
        _("Modell: Version"), max_length=100, blank=True, db_default=""
    )
    model_performance = models.TextField(_("Modell: Leistungsfähigkeit"), blank=True, db_default="")
    model_limitations = models.TextField(_("Modell: bekannte Grenzen"), blank=True, db_default="")
    provider_eu_database_url = models.URLField(
        _("Eintrag des Anbieters in der EU-Datenbank"), max_length=500, blank=True, db_default=""
    )
    source_code_url = models.URLField(_("Quellcode"), max_length=500, blank=True, db_default="")
    product_url = models.URLField(
        _("Produktinformation"), max_length=500, blank=True, db_default=""
    )

    risk_class = models.CharField(
        _("Risikoklasse (KI-VO)"),
        max_length=20,
        choices=RiskClass.choices,
        default=RiskClass.UNCLASSIFIED,
        blank=True,
    )
    residual_risk_note = models.TextField(_("Einschätzung des Restrisikos"), blank=True)
    risks_and_mitigations = models.TextField(
        _("Risiken und Gegenmaßnahmen"),
        blank=True,
        db_default="",
        help_text=_("Öffentlich: welche Risiken bestehen und wie ihnen begegnet wird."),
    )
    proportionality = models.TextField(_("Verhältnismäßigkeit"), blank=True, db_default="")
    impact_on_affected = models.TextField(
        _("Auswirkungen auf Betroffene"), blank=True, db_default=""
    )

    oversight_mode = models.CharField(
        _("Art der menschlichen Aufsicht"),
        max_length=20,
        choices=OversightMode.choices,
        blank=True,
    )
    oversight_role = models.CharField(_("Aufsicht durch (Funktion)"), max_length=200, blank=True)
    oversight_can_override = models.BooleanField(
        _("Ergebnisse können übersteuert werden"), default=False
    )
    oversight_can_stop = models.BooleanField(_("System kann angehalten werden"), default=False)
    objection_procedure = models.TextField(
        _("Widerspruch und menschliche Überprüfung"),
        blank=True,
        help_text=_(
            "Wie Betroffene widersprechen oder eine Prüfung durch einen Menschen verlangen."
        ),
    )
    output_sampling = models.CharField(_("Stichproben der Ergebnisse"), max_length=200, blank=True)

    dpia_status = models.CharField(
        _("Datenschutz-Folgenabschätzung"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.OPEN,
    )
    dpia_date = models.DateField(_("DSFA vom"), null=True, blank=True)
    dpia_reference = models.CharField(_("DSFA: Dokument oder Link"), max_length=500, blank=True)
    dpia_not_needed_reason = models.TextField(_("DSFA nicht erforderlich, weil"), blank=True)
    fria_status = models.CharField(
        _("Grundrechte-Folgenabschätzung (Art. 27 KI-VO)"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.OPEN,
    )
    fria_date = models.DateField(_("Grundrechte-Folgenabschätzung vom"), null=True, blank=True)
    fria_reference = models.CharField(
        _("Grundrechte-Folgenabschätzung: Dokument oder Link"), max_length=500, blank=True
    )
    dpia_summary = models.TextField(
        _("DSFA: Zusammenfassung zur Veröffentlichung"), blank=True, db_default=""
    )
    fria_summary = models.TextField(
        _("Grundrechte-Folgenabschätzung: Zusammenfassung zur Veröffentlichung"),
        blank=True,
        db_default="",
    )
    security_concept_status = models.CharField(
        _("Informationssicherheitskonzept"),
        max_length=20,
        choices=AssessmentStatus.choices,
        default=AssessmentStatus.OPEN,
    )
    security_concept_date = models.DateField(_("Sicherheitskonzept vom"), null=True, blank=True)
    security_concept_reference = models.CharField(
        _("Sicherheitskonzept: Dokument oder Link"), max_length=500, blank=True
    )

    monitors_staff = models.BooleanField(
        _("geeignet, Verhalten oder Leistung der Beschäftigten zu überwachen"),
        default=False,
        help_text=_("Dann ist der Personalrat zu beteiligen (§ 80 Abs. 1 Nr. 21 BPersVG)."),
    )
    staff_council_status = models.CharField(
        _("Beteiligung des Personalrats"),
        max_length=20,
        choices=StaffCouncilStatus.choices,
        default=StaffCouncilStatus.NOT_REQUIRED,
    )
    staff_council_date = models.DateField(_("Personalrat beteiligt am"), null=True, blank=True)
    service_agreement = models.CharField(_("Dienstvereinbarung"), max_length=500, blank=True)

    yearly_case_volume = models.PositiveIntegerField(_("Fallzahl pro Jahr"), null=True, blank=True)
    rule_clarity = models.CharField(
        _("Klarheit der Regeln"), max_length=10, choices=Level.choices, blank=True
    )
    input_structure = models.CharField(
        _("Strukturierbarkeit der Eingaben"), max_length=10, choices=Level.choices, blank=True
    )

    review_interval_months = models.PositiveSmallIntegerField(
        _("Überprüfungsintervall (Monate)"), null=True, blank=True
    )
    next_review_date = models.DateField(_("nächste Überprüfung"), null=True, blank=True)

    is_published = models.BooleanField(
        _("veröffentlichen"),
        default=True,
        help_text=_("Nach der Freigabe im öffentlichen Transparenzregister zeigen."),
    )
    open_data_licence = models.CharField(
        _("Lizenz der offenen Daten"),
        max_length=20,
        choices=OpenDataLicence.choices,
        default=OpenDataLicence.DL_DE_BY,
        blank=True,
        db_default=OpenDataLicence.DL_DE_BY,
        help_text=_("Leer gelassen, gilt die Datenlizenz Deutschland – Namensnennung – 2.0."),
    )

    # Set once, by registry.services.mark_adopted (Nachnutzung, interop): the public use case
    # of another organisation this one was adopted from.
    adopted_from = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="adopters",
        verbose_name=_("nachgenutzt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    history = HistoricalRecords(verbose_name=_("Historie KI-Anwendungsfall"))

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("KI-Anwendungsfall")
        verbose_name_plural = _("KI-Anwendungsfälle")
        permissions = [
            ("view_history_usecase", _("Kann die Historie einsehen")),
            ("manage_permissions_usecase", _("Kann Zugriffsrechte vergeben")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(start_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="usecase_end_after_start",
            ),
            models.CheckConstraint(
                condition=Q(review_interval_months__isnull=True) | Q(review_interval_months__gte=1),
                name="usecase_review_interval_positive",
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "workflow_state"], name="usecase_org_state_idx"),
            models.Index(fields=["department", "status"], name="usecase_department_status_idx"),
            models.Index(fields=["next_review_date"], name="usecase_next_review_idx"),
            models.Index(fields=["risk_class"], name="usecase_risk_class_idx"),
            # The board's dashboard: an organisation's use cases by title and by review date,
            # read a page at a time (issue 8).
            models.Index(fields=["organisation", "title", "id"], name="usecase_org_title_idx"),
            models.Index(
                fields=["organisation", "next_review_date", "id"], name="usecase_org_review_idx"
            ),
            # The API's list, newest change first, read a page at a time (issue 16).
            models.Index(fields=["updated_at", "id"], name="usecase_updated_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = _("Das Ende darf nicht vor dem Beginn liegen.")
        if (
            self.department_id
            and self.organisation_id
            and self.department.organisation_id != self.organisation_id
        ):
            errors["department"] = _("Der Fachbereich gehört zu einer anderen Organisation.")
        if (
            self.ai_system is not None
            and self.organisation_id
            and self.ai_system.organisation_id != self.organisation_id
        ):
            errors["ai_system"] = _("Das KI-System gehört zu einer anderen Organisation.")
        if self.dpia_status == self.AssessmentStatus.NOT_NEEDED and not self.dpia_not_needed_reason:
            errors["dpia_not_needed_reason"] = _(
                "Bitte begründen Sie, warum keine Datenschutz-Folgenabschätzung nötig ist."
            )
        if self.processes_special_categories and not self.processes_personal_data:
            errors["processes_personal_data"] = _(
                "Besondere Kategorien personenbezogener Daten sind personenbezogene Daten."
            )
        if errors:
            raise ValidationError(errors)


class UseCaseChild(models.Model):
    """A row that belongs to one use case and so to its organisation."""

    use_case = models.ForeignKey(
        UseCase, on_delete=models.CASCADE, verbose_name=_("KI-Anwendungsfall")
    )

    class Meta:
        abstract = True


class LegalBasis(UseCaseChild):
    """One legal reference, e.g. "Art. 6 Abs. 1 lit. e DSGVO"."""

    law = models.CharField(_("Gesetz"), max_length=200, help_text=_("z. B. DSGVO, SGB X"))
    provision = models.CharField(
        _("Vorschrift"), max_length=200, help_text=_("z. B. Art. 6 Abs. 1 lit. e, § 67")
    )
    url = models.URLField(_("Link"), blank=True)

    history = HistoricalRecords(verbose_name=_("Historie Rechtsgrundlage"))

    class Meta:
        ordering = ["pk"]
        default_related_name = "legal_bases"
        verbose_name = _("Rechtsgrundlage")
        verbose_name_plural = _("Rechtsgrundlagen")

    def __str__(self) -> str:
        return f"{self.provision} {self.law}"


class DataSource(UseCaseChild):
    """A source of the data the use case processes, often a register (Once-Only)."""

    name = models.CharField(_("Datenquelle"), max_length=200)
    register = models.CharField(
        _("genutztes Register"), max_length=200, blank=True, help_text=_("z. B. Melderegister")
    )
    description = models.TextField(_("Beschreibung"), blank=True)

    history = HistoricalRecords(verbose_name=_("Historie Datenquelle"))

    class Meta:
        ordering = ["pk"]
        default_related_name = "data_sources"
        verbose_name = _("Datenquelle")
        verbose_name_plural = _("Datenquellen")

    def __str__(self) -> str:
        return self.name


class PublicService(UseCaseChild):
    """An administrative service the use case supports, by its LeiKa key."""

    leika_key = models.CharField(
        _("LeiKa-Schlüssel"), max_length=14, validators=[validate_leika_key]
    )
    name = models.CharField(_("Leistung (OZG-Bezeichnung)"), max_length=300, blank=True)

    history = HistoricalRecords(verbose_name=_("Historie Verwaltungsleistung"))

    class Meta:
        ordering = ["pk"]
        default_related_name = "public_services"
        verbose_name = _("Verwaltungsleistung")
        verbose_name_plural = _("Verwaltungsleistungen")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "leika_key"], name="publicservice_unique_key_per_use_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.leika_key} {self.name}".strip()


class WithheldField(UseCaseChild):
    """A field the organisation keeps off the public page, with the reason it gives."""

    class Field(models.TextChoices):
        PURPOSE = "purpose", _("Zweck")
        LEGAL_BASIS = "legal_basis", _("Rechtsgrundlage")
        DATA = "data", _("Daten und Datenquellen")
        AI_SYSTEM = "ai_system", _("KI-System")
        INTERFACES = "interfaces", _("Schnittstellen")
        OVERSIGHT = "oversight", _("menschliche Aufsicht")
        ASSESSMENTS = "assessments", _("Folgenabschätzungen")
        RISKS = "risks", _("Risiken und Abwägung")

    field = models.CharField(_("zurückgehaltene Angabe"), max_length=20, choices=Field.choices)
    reason = models.TextField(_("Begründung"))

    history = HistoricalRecords(verbose_name=_("Historie zurückgehaltene Angabe"))

    class Meta:
        ordering = ["pk"]
        default_related_name = "withheld_fields"
        verbose_name = _("zurückgehaltene Angabe")
        verbose_name_plural = _("zurückgehaltene Angaben")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "field"], name="withheldfield_unique_field_per_use_case"
            ),
        ]

    def __str__(self) -> str:
        return self.get_field_display()


class AccessGrant(UseCaseChild):
    """A permission the board gave one person on one use case, with who, when and why."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="access_grants",
        verbose_name=_("Person"),
    )
    permission = models.CharField(
        _("Berechtigung"),
        max_length=40,
        choices=[
            ("view_usecase", _("ansehen")),
            ("change_usecase", _("bearbeiten")),
            ("view_history_usecase", _("Historie einsehen")),
        ],
    )
    reason = models.TextField(_("Begründung"))
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("gewährt von"),
    )
    granted_at = models.DateTimeField(_("gewährt am"), auto_now_add=True)

    history = HistoricalRecords(verbose_name=_("Historie Einzelberechtigung"))

    class Meta:
        ordering = ["pk"]
        default_related_name = "access_grants"
        verbose_name = _("Einzelberechtigung")
        verbose_name_plural = _("Einzelberechtigungen")
        constraints = [
            models.UniqueConstraint(
                fields=["use_case", "user", "permission"], name="accessgrant_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.get_permission_display()}"


class UseCaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(UseCase, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission"], name="usecase_uop_user_perm_idx")]


class UseCaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(UseCase, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["group", "permission"], name="usecase_gop_group_perm_idx")]


class PublishedUseCase(models.Model):
    """The public record of a use case: its public fields as last approved for publication.

    Written only by `registry.publication`; the public pages, open data and the public API read
    this table alone, so an internal field can never reach them, and changes still under review
    stay internal until they are approved. Its history is the public change log.
    """

    use_case = models.OneToOneField(
        UseCase,
        on_delete=models.CASCADE,
        related_name="publication",
        verbose_name=_("KI-Anwendungsfall"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="published_use_cases",
        verbose_name=_("Organisation"),
    )
    department_name = models.CharField(_("Fachbereich"), max_length=200)
    title = models.CharField(_("Bezeichnung"), max_length=200)
    short_description = models.TextField(_("Kurzbeschreibung"))
    purpose = models.TextField(_("Zweck"), blank=True)
    status = models.CharField(_("Status"), max_length=20, choices=UseCase.Status.choices)
    start_date = models.DateField(_("Beginn"), null=True, blank=True)
    end_date = models.DateField(_("Ende"), null=True, blank=True)
    responsible_role = models.CharField(_("fachlich verantwortliche Stelle"), max_length=200)
    public_contact_email = models.EmailField(_("Kontaktadresse"), blank=True)
    risk_class = models.CharField(
        _("Risikoklasse (KI-VO)"), max_length=20, choices=UseCase.RiskClass.choices, blank=True
    )
    technique = models.CharField(
        _("Technik"), max_length=20, choices=AISystem.Technique.choices, blank=True
    )
    ai_system_name = models.CharField(_("KI-System"), max_length=200, blank=True)
    vendor = models.CharField(_("Anbieter"), max_length=200, blank=True)
    product = models.CharField(_("Produkt"), max_length=200, blank=True)
    model_name = models.CharField(_("Modell"), max_length=200, blank=True)
    hosting = models.CharField(
        _("Betrieb"), max_length=30, choices=AISystem.Hosting.choices, blank=True
    )
    legal_basis_explanation = models.TextField(_("Erläuterung der Rechtsgrundlage"), blank=True)
    legal_bases = models.JSONField(_("Rechtsgrundlagen"), default=list, blank=True)
    processes_personal_data = models.BooleanField(
        _("personenbezogene Daten"), null=True, blank=True
    )
    processes_special_categories = models.BooleanField(
        _("besondere Kategorien (Art. 9 DSGVO)"), null=True, blank=True
    )
    data_categories = models.TextField(_("Datenkategorien"), blank=True)
    data_sources = models.JSONField(_("Datenquellen"), default=list, blank=True)
    public_services = models.JSONField(_("Verwaltungsleistungen"), default=list, blank=True)
    interfaces = models.TextField(_("Schnittstellen zu Fachverfahren"), blank=True)
    oversight_mode = models.CharField(
        _("Art der menschlichen Aufsicht"),
        max_length=20,
        choices=UseCase.OversightMode.choices,
        blank=True,
    )
    oversight_role = models.CharField(_("Aufsicht durch (Funktion)"), max_length=200, blank=True)
    oversight_can_override = models.BooleanField(
        _("Ergebnisse können übersteuert werden"), null=True, blank=True
    )
    oversight_can_stop = models.BooleanField(
        _("System kann angehalten werden"), null=True, blank=True
    )
    objection_procedure = models.TextField(_("Widerspruch und menschliche Überprüfung"), blank=True)
    dpia_status = models.CharField(
        _("Datenschutz-Folgenabschätzung"),
        max_length=20,
        choices=UseCase.AssessmentStatus.choices,
        blank=True,
    )
    fria_status = models.CharField(
        _("Grundrechte-Folgenabschätzung"),
        max_length=20,
        choices=UseCase.AssessmentStatus.choices,
        blank=True,
    )
    next_review_date = models.DateField(_("nächste Überprüfung"), null=True, blank=True)
    policy_area = models.CharField(
        _("Politikfeld"),
        max_length=30,
        choices=UseCase.PolicyArea.choices,
        blank=True,
        db_default="",
    )
    benefit = models.TextField(_("Nutzen"), blank=True, db_default="")
    previous_process = models.TextField(_("bisheriges Verfahren"), blank=True, db_default="")
    alternatives_considered = models.TextField(
        _("geprüfte Alternativen"), blank=True, db_default=""
    )
    deployer_address = models.TextField(
        _("Postanschrift des Betreibers"), blank=True, db_default=""
    )
    deployer_representative = models.CharField(
        _("für den Betreiber handelnde Stelle"), max_length=200, blank=True, db_default=""
    )
    training_data = models.TextField(
        _("Trainings- und Entwicklungsdaten"), blank=True, db_default=""
    )
    processing_register_reference = models.CharField(
        _("Eintrag im Verzeichnis von Verarbeitungstätigkeiten"),
        max_length=200,
        blank=True,
        db_default="",
    )
    model_task = models.TextField(_("Modell: Aufgabe"), blank=True, db_default="")
    model_inputs = models.TextField(_("Modell: Eingaben"), blank=True, db_default="")
    model_outputs = models.TextField(_("Modell: Ausgaben"), blank=True, db_default="")
    model_version = models.CharField(
        _("Modell: Version"), max_length=100, blank=True, db_default=""
    )
    model_performance = models.TextField(_("Modell: Leistungsfähigkeit"), blank=True, db_default="")
    model_limitations = models.TextField(_("Modell: bekannte Grenzen"), blank=True, db_default="")
    provider_eu_database_url = models.URLField(
        _("Eintrag des Anbieters in der EU-Datenbank"), max_length=500, blank=True, db_default=""
    )
    source_code_url = models.URLField(_("Quellcode"), max_length=500, blank=True, db_default="")
    product_url = models.URLField(
        _("Produktinformation"), max_length=500, blank=True, db_default=""
    )
    risks_and_mitigations = models.TextField(
        _("Risiken und Gegenmaßnahmen"), blank=True, db_default=""
    )
    proportionality = models.TextField(_("Verhältnismäßigkeit"), blank=True, db_default="")
    impact_on_affected = models.TextField(
        _("Auswirkungen auf Betroffene"), blank=True, db_default=""
    )
    dpia_summary = models.TextField(_("DSFA: Zusammenfassung"), blank=True, db_default="")
    fria_summary = models.TextField(
        _("Grundrechte-Folgenabschätzung: Zusammenfassung"), blank=True, db_default=""
    )
    open_data_licence = models.CharField(
        _("Lizenz der offenen Daten"),
        max_length=20,
        choices=UseCase.OpenDataLicence.choices,
        blank=True,
        db_default="",
    )
    withheld = models.JSONField(
        _("zurückgehaltene Angaben"),
        default=dict,
        blank=True,
        help_text=_("Angabe → Begründung der Einschränkung"),
    )
    # The use case id of the public record this one was adopted from (no foreign key: the
    # provenance outlives the source).
    adopted_from_id = models.BigIntegerField(
        _("nachgenutzt von (Nr.)"), null=True, blank=True, db_index=True
    )
    first_published_at = models.DateTimeField(_("erstmals veröffentlicht am"))
    published_at = models.DateTimeField(_("zuletzt veröffentlicht am"))

    history = HistoricalRecords(verbose_name=_("öffentliches Änderungsprotokoll"))

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("veröffentlichter Anwendungsfall")
        verbose_name_plural = _("veröffentlichte Anwendungsfälle")
        indexes = [
            models.Index(fields=["organisation", "title"], name="published_org_title_idx"),
            models.Index(fields=["risk_class", "title"], name="published_risk_title_idx"),
            models.Index(fields=["status", "title"], name="published_status_title_idx"),
            models.Index(fields=["-published_at"], name="published_recent_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class WebhookEndpoint(models.Model):
    """A receiver an organisation registered for change events of its use cases."""

    class Event(models.TextChoices):
        USE_CASE_CREATED = "use_case.created", _("Anwendungsfall angelegt")
        USE_CASE_CHANGED = "use_case.changed", _("Anwendungsfall geändert")
        USE_CASE_DELETED = "use_case.deleted", _("Anwendungsfall gelöscht")
        USE_CASE_SUBMITTED = "use_case.submitted", _("Anwendungsfall eingereicht")
        USE_CASE_DECIDED = "use_case.decided", _("über Anwendungsfall entschieden")
        USE_CASE_PUBLISHED = "use_case.published", _("Anwendungsfall veröffentlicht")
        USE_CASE_RETIRED = "use_case.retired", _("Anwendungsfall außer Betrieb")
        USE_CASE_SUSPENDED = "use_case.suspended", _("Anwendungsfall ausgesetzt")
        USE_CASE_RESUMED = "use_case.resumed", _("Anwendungsfall wieder in Betrieb")
        SOURCE_CHANGED = (
            "use_case.source_changed",
            _("Vorlage eines nachgenutzten Anwendungsfalls geändert"),
        )
        INCIDENT_RECORDED = "incident.recorded", _("Störung erfasst")
        INCIDENT_CHANGED = "incident.changed", _("Störung geändert")
        OBJECTION_RECEIVED = "objection.received", _("Widerspruch eingegangen")
        OBJECTION_DECIDED = "objection.decided", _("Widerspruch abgeschlossen")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="webhook_endpoints",
        verbose_name=_("Organisation"),
    )
    url = models.URLField(_("Empfänger-Adresse"), max_length=500)
    events = models.JSONField(
        _("Ereignisse"), default=list, help_text=_("Die Ereignisse, die gesendet werden.")
    )
    description = models.CharField(_("Beschreibung"), max_length=200, blank=True)
    # The shared key the deliveries are signed with; the receiver needs it in clear to verify.
    secret = models.CharField(_("Signaturschlüssel"), max_length=100, editable=False)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    updated_at = models.DateTimeField(_("geändert am"), auto_now=True)

    history = HistoricalRecords(
        verbose_name=_("Historie Webhook-Empfänger"), excluded_fields=["secret"]
    )

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Webhook-Empfänger")
        verbose_name_plural = _("Webhook-Empfänger")

    def __str__(self) -> str:
        return self.url

    def clean(self) -> None:
        events = self.events
        if not isinstance(events, list) or not events:
            raise ValidationError({"events": _("Bitte wählen Sie mindestens ein Ereignis.")})
        unknown = [e for e in events if e not in self.Event.values]
        if unknown:
            names = ", ".join(map(str, unknown))
            raise ValidationError(
                {"events": _("Unbekannte Ereignisse: %(names)s") % {"names": names}}
            )
        if len(set(events)) != len(events):
            raise ValidationError({"events": _("Jedes Ereignis nur einmal angeben.")})


class WebhookDelivery(models.Model):
    """One event sent to one endpoint, with every attempt logged in WebhookAttempt."""

    class Status(models.TextChoices):
        PENDING = "pending", _("ausstehend")
        SUCCEEDED = "succeeded", _("zugestellt")
        FAILED = "failed", _("gescheitert")

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        on_delete=models.CASCADE,
        related_name="deliveries",
        verbose_name=_("Webhook-Empfänger"),
    )
    event = models.CharField(_("Ereignis"), max_length=40, choices=WebhookEndpoint.Event.choices)
    # Shared by the deliveries of one event to several endpoints, and by replays.
    event_id = models.UUIDField(_("Ereignis-ID"))
    # No foreign key: the log outlives a deleted use case.
    use_case_pk = models.BigIntegerField(_("KI-Anwendungsfall (ID)"), db_index=True)
    payload = models.JSONField(_("Inhalt"))
    status = models.CharField(
        _("Status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    attempt_count = models.PositiveIntegerField(_("Versuche"), default=0)
    replay_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replays",
        verbose_name=_("Wiederholung von"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    delivered_at = models.DateTimeField(_("zugestellt am"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("Webhook-Zustellung")
        verbose_name_plural = _("Webhook-Zustellungen")
        indexes = [
            models.Index(fields=["endpoint", "-created_at"], name="webhookdelivery_recent_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.event} → {self.endpoint}"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery and what the receiver answered."""

    delivery = models.ForeignKey(
        WebhookDelivery,
        on_delete=models.CASCADE,
        related_name="attempts",
        verbose_name=_("Webhook-Zustellung"),
    )
    attempted_at = models.DateTimeField(_("versucht am"), auto_now_add=True)
    response_status = models.PositiveSmallIntegerField(_("Antwort-Status"), null=True, blank=True)
    response_body = models.TextField(_("Antwort (Anfang)"), blank=True)
    error = models.TextField(_("Fehler"), blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Zustellversuch")
        verbose_name_plural = _("Zustellversuche")

    def __str__(self) -> str:
        return f"{self.delivery_id}: {self.response_status or self.error}"


class LeikaCatalogue(models.Model):
    """Which edition of the federal service catalogue (LeiKa) the database holds: one row.

    Written only by registry.leika.replace_catalogue (manage.py import_leika) and the migration
    that loads the shipped extract. Reference data, not a record: it has no history.
    """

    source = models.CharField(_("Quelle"), max_length=500)
    as_of = models.DateField(_("Stand"))
    # The whole catalogue (an export of the FIM portal), or only an extract of it: keys are
    # checked against a complete catalogue only, or every key the extract lacks is refused.
    complete = models.BooleanField(_("vollständig"), default=False)
    imported_at = models.DateTimeField(_("eingelesen am"), auto_now=True)

    class Meta:
        verbose_name = _("Leistungskatalog (LeiKa)")
        verbose_name_plural = _("Leistungskataloge (LeiKa)")

    def __str__(self) -> str:
        return f"{self.source} ({self.as_of:%Y-%m-%d})"


class LeikaService(models.Model):
    """A service of the federal service catalogue (LeiKa), by its 14-digit key."""

    key = models.CharField(
        _("LeiKa-Schlüssel"), max_length=14, primary_key=True, validators=[validate_leika_key]
    )
    name = models.CharField(_("Bezeichnung"), max_length=500)
    synonyms = models.TextField(_("Synonyme"), blank=True)

    class Meta:
        ordering = ["key"]
        verbose_name = _("Leistung des Leistungskatalogs")
        verbose_name_plural = _("Leistungen des Leistungskatalogs")
        indexes = [models.Index(fields=["name"], name="leikaservice_name_idx")]

    def __str__(self) -> str:
        return f"{self.key} {self.name}"
