"""Evidence documents: files attached to a use case, an obligation, a sign-off, an incident or
the organisation, each kept in every version that was uploaded."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evidence.storage import evidence_storage


class Document(models.Model):
    """One piece of evidence; its content is the newest of its versions."""

    class Category(models.TextChoices):
        DPIA = "dpia", _("Datenschutz-Folgenabschätzung")
        FRIA = "fria", _("Grundrechte-Folgenabschätzung")
        FRIA_SUMMARY = "fria_summary", _("Zusammenfassung der Grundrechte-Folgenabschätzung")
        SECURITY_CONCEPT = "security_concept", _("Informationssicherheitskonzept")
        SERVICE_AGREEMENT = "service_agreement", _("Dienstvereinbarung")
        AI_LITERACY = "ai_literacy", _("Nachweis KI-Kompetenz (Art. 4 KI-VO)")
        INCIDENT = "incident", _("Unterlage zu einem Vorfall")
        OTHER = "other", _("sonstiger Nachweis")

    organisation = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="documents",
        verbose_name=_("Organisation"),
    )
    # The kind of record it is attached to (evidence.targets) and that record's id.
    target_kind = models.CharField(_("angehängt an (Art)"), max_length=30)
    target_id = models.PositiveBigIntegerField(_("angehängt an (Nummer)"))
    # The use case the target belongs to, kept beside it so that lists filter in the query.
    use_case = models.ForeignKey(
        "registry.UseCase",
        on_delete=models.PROTECT,
        related_name="documents",
        null=True,
        blank=True,
        verbose_name=_("KI-Anwendungsfall"),
    )
    title = models.CharField(_("Bezeichnung"), max_length=200)
    category = models.CharField(
        _("Art des Nachweises"), max_length=30, choices=Category.choices, default=Category.OTHER
    )
    is_published = models.BooleanField(
        _("veröffentlicht"),
        default=False,
        help_text=_("Nur das KI-Gremium veröffentlicht ein Dokument, ausdrücklich."),
    )
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        verbose_name=_("veröffentlicht von"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("angelegt von"),
    )
    created_at = models.DateTimeField(_("angelegt am"))

    history = HistoricalRecords(verbose_name=_("Historie Dokument"))

    class Meta:
        ordering = ["title", "pk"]
        verbose_name = _("Dokument")
        verbose_name_plural = _("Dokumente")
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False),
                name="document_published_has_date",
            ),
        ]
        indexes = [
            models.Index(fields=["target_kind", "target_id"], name="document_target_idx"),
            models.Index(fields=["organisation", "target_kind"], name="document_org_kind_idx"),
        ]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    """One uploaded file of a document; a new upload adds a version, none is ever replaced."""

    document = models.ForeignKey(
        Document, on_delete=models.PROTECT, related_name="versions", verbose_name=_("Dokument")
    )
    number = models.PositiveIntegerField(_("Version"))
    file = models.FileField(_("Datei"), storage=evidence_storage, max_length=200)
    # The uploader's file name, made safe (evidence.validation.safe_file_name); only shown and
    # offered as the download's name, never used to store the file.
    file_name = models.CharField(_("Dateiname"), max_length=150)
    content_type = models.CharField(_("Dateityp"), max_length=100)
    size = models.PositiveBigIntegerField(_("Größe (Bytes)"))
    sha256 = models.CharField(_("Prüfsumme (SHA-256)"), max_length=64)
    # The date of the document's content (the day the DPIA was completed, the training held):
    # what periodic reviews compare with the use case's last substantive change.
    evidence_date = models.DateField(_("Stand des Nachweises"))
    reason = models.TextField(_("Anlass"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("hochgeladen von"),
    )
    uploaded_at = models.DateTimeField(_("hochgeladen am"))

    history = HistoricalRecords(verbose_name=_("Historie Dokumentversion"))

    class Meta:
        ordering = ["document", "-number"]
        get_latest_by = "number"
        verbose_name = _("Dokumentversion")
        verbose_name_plural = _("Dokumentversionen")
        constraints = [
            models.UniqueConstraint(
                fields=["document", "number"], name="documentversion_unique_number"
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="documentversion_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.document} (v{self.number})"
