import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.models import Organisation
from registry.models import LegalBasis, PublicService, UseCase
from registry.publication import STANDARDS_FIELDS

# What only the deploying municipality can say (its representative, processing register, its
# own assessments, its licence): a provider's template leaves it to the adopter.
DEPLOYER_FIELDS = frozenset(
    {
        "open_data_licence",
        "deployer_representative",
        "processing_register_reference",
        "dpia_summary",
        "fria_summary",
    }
)
# The use case's fields a provider's template carries (besides its title), validated by the
# use case's own field definitions and copied into the draft of whoever adopts it.
TEMPLATE_FIELDS: tuple[str, ...] = (
    "short_description",
    "purpose",
    "responsible_role",
    "legal_basis_explanation",
    "data_categories",
    "interfaces",
    "oversight_mode",
    "oversight_role",
    "objection_procedure",
    "processes_personal_data",
    "processes_special_categories",
    *(name for name in STANDARDS_FIELDS if name not in DEPLOYER_FIELDS),
)
TEMPLATE_CHILDREN: dict[str, tuple[type[models.Model], tuple[str, ...]]] = {
    "legal_bases": (LegalBasis, ("law", "provision", "url")),
    "public_services": (PublicService, ("leika_key", "name")),
}
MAX_TEMPLATE_ROWS = 100


class UseCaseTemplate(models.Model):
    """A use case an IT service provider describes once for its member municipalities to adopt
    (e.g. "KI-Posteingang im Produkt X"). Nobody deploys a template: it is no entry of the
    register, in no count, export or AI Act obligation; what a municipality adopts becomes its
    own use case, with the provenance kept in `Adoption`."""

    class State(models.TextChoices):
        DRAFT = "draft", _("Entwurf")
        PUBLISHED = "published", _("veröffentlicht")
        WITHDRAWN = "withdrawn", _("zurückgezogen")

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="use_case_templates",
        verbose_name=_("IT-Dienstleister"),
    )
    title = models.CharField(_("Bezeichnung"), max_length=200)
    content = models.JSONField(_("Angaben der Vorlage"), default=dict, blank=True)
    legal_bases = models.JSONField(_("Rechtsgrundlagen"), default=list, blank=True)
    public_services = models.JSONField(_("Verwaltungsleistungen"), default=list, blank=True)
    state = models.CharField(_("Stand"), max_length=20, choices=State.choices, default=State.DRAFT)
    # The version adopters take and are told about: set on every publication.
    published_at = models.DateTimeField(_("veröffentlicht am"), null=True, blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("Historie Vorlage"))

    class Meta:
        ordering = ["organisation__name", "title", "pk"]
        verbose_name = _("Vorlage eines IT-Dienstleisters")
        verbose_name_plural = _("Vorlagen von IT-Dienstleistern")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state="published") | models.Q(published_at__isnull=False),
                name="use_case_template_published_has_date",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.organisation_id and self.organisation.kind != Organisation.Kind.IT_SERVICE_PROVIDER:
            errors["organisation"] = _("Vorlagen veröffentlichen nur IT-Dienstleister.")
        content = self.content if isinstance(self.content, dict) else None
        if content is None:
            errors["content"] = _("Die Angaben der Vorlage müssen ein Objekt sein.")
        else:
            for name, value in content.items():
                if name not in TEMPLATE_FIELDS:
                    errors[name] = _("Dieses Feld gibt es in einer Vorlage nicht.")
                    continue
                field = UseCase._meta.get_field(name)
                if value in ("", None) and not isinstance(field, models.BooleanField):
                    continue
                try:
                    content[name] = field.clean(value, None)  # type: ignore[union-attr]
                except ValidationError as error:
                    errors[name] = error.messages
        for key, (model, names) in TEMPLATE_CHILDREN.items():
            rows = getattr(self, key)
            if not isinstance(rows, list) or len(rows) > MAX_TEMPLATE_ROWS:
                errors[key] = _("Höchstens %(count)s Zeilen.") % {"count": MAX_TEMPLATE_ROWS}
                continue
            seen: set[str] = set()
            for number, row in enumerate(rows, start=1):
                problems = _row_problems(model, names, row)
                key_value = str(row.get(names[0], "")) if isinstance(row, dict) else ""
                if key == "public_services" and key_value in seen:
                    problems.append(str(_("Diese Leistung steht schon in einer anderen Zeile.")))
                seen.add(key_value)
                if problems:
                    errors.setdefault(key, []).append(
                        _("Zeile %(number)s: %(problems)s")
                        % {"number": number, "problems": " ".join(problems)}
                    )
        if errors:
            raise ValidationError(errors)

    @property
    def is_published(self) -> bool:
        return self.state == self.State.PUBLISHED


def _row_problems(model: type[models.Model], names: tuple[str, ...], row: Any) -> list[str]:
    if not isinstance(row, dict) or set(row) - set(names):
        return [str(_("Unbekannte Angaben."))]
    problems = []
    for name in names:
        field = model._meta.get_field(name)
        try:
            field.clean(row.get(name, ""), None)  # type: ignore[union-attr]
        except ValidationError as error:
            problems.append(f"{field.verbose_name}: {' '.join(error.messages)}")  # type: ignore[union-attr]
    return problems


class Adoption(models.Model):
    """Provenance of a use case adopted from another organisation's published one (Nachnutzung).

    It stays with the adopted use case: the source may later be changed or withdrawn, the note
    "nachgenutzt von …, Fassung vom …" keeps the organisation and the version it was taken from.
    """

    use_case = models.OneToOneField(
        UseCase,
        on_delete=models.CASCADE,
        related_name="adoption",
        verbose_name=_("nachnutzender Anwendungsfall"),
    )
    # No cascade: the note outlives a deleted source.
    source = models.ForeignKey(
        UseCase,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("Vorlage"),
    )
    # Or a provider's template; the note, again, outlives it.
    template = models.ForeignKey(
        UseCaseTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="adoptions",
        verbose_name=_("Vorlage eines IT-Dienstleisters"),
    )
    source_organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("Organisation der Vorlage"),
    )
    source_title = models.CharField(_("Bezeichnung der Vorlage"), max_length=200)
    source_version_at = models.DateTimeField(_("Fassung vom"))
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("nachgenutzt durch"),
    )
    adopted_at = models.DateTimeField(_("nachgenutzt am"), auto_now_add=True)
    # The source's version the adopter has reviewed (took over or declined its changes); none:
    # the adopted version. A newer publication of the source is a change to tell them about.
    synced_version_at = models.DateTimeField(
        _("abgeglichen mit Fassung vom"), null=True, blank=True
    )
    # The source's version the adopter was last told about (mail and webhook go out once each).
    notified_version_at = models.DateTimeField(
        _("benachrichtigt über Fassung vom"), null=True, blank=True
    )

    history = HistoricalRecords(verbose_name=_("Historie Nachnutzung"))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("Nachnutzung")
        verbose_name_plural = _("Nachnutzungen")

    def __str__(self) -> str:
        return f"{self.use_case_id} ← {self.source_title}"

    @property
    def reviewed_version_at(self) -> "datetime.datetime":
        return self.synced_version_at or self.source_version_at


class ImportJob(models.Model):
    """A big import run by the worker: the dry run, then (once confirmed) all rows or none.

    Operational state, not a record of the register: the use cases it creates or changes carry
    their own history (actor and reason); the job keeps only what its progress page shows.
    The uploaded file is dropped once the job has finished.
    """

    class Status(models.TextChoices):
        PLANNING = "planning", _("Probe läuft")
        PLANNED = "planned", _("Probe fertig")
        APPLYING = "applying", _("Import läuft")
        DONE = "done", _("importiert")
        FAILED = "failed", _("nicht importiert")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("angestoßen von"),
    )
    file_name = models.CharField(_("Dateiname"), max_length=255)
    content = models.BinaryField(_("Datei"), blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("Fachbereich für Einträge aus JSON"),
    )
    responsible_role = models.CharField(
        _("fachlich verantwortliche Stelle für Einträge ohne Angabe"), max_length=200, blank=True
    )
    status = models.CharField(
        _("Stand"), max_length=20, choices=Status.choices, default=Status.PLANNING
    )
    kind = models.CharField(_("Art der Datei"), max_length=10, default="table")
    total_rows = models.PositiveIntegerField(_("Zeilen"), default=0)
    plan = models.JSONField(_("Probe"), default=list, blank=True)
    message = models.TextField(_("Meldung"), blank=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    finished_at = models.DateTimeField(_("beendet am"), null=True, blank=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("Import-Auftrag")
        verbose_name_plural = _("Import-Aufträge")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
