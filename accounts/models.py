from typing import Any

from django.conf import settings
from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from accounts.validators import validate_ags


class User(AbstractUser):
    """A person or API client; people from an identity provider are known by issuer + subject."""

    oidc_issuer = models.CharField(_("OIDC-Aussteller"), max_length=255, blank=True)
    oidc_subject = models.CharField(_("OIDC-Subjekt"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("Benutzer")
        verbose_name_plural = _("Benutzer")
        constraints = [
            models.UniqueConstraint(
                fields=["oidc_issuer", "oidc_subject"],
                condition=~Q(oidc_subject=""),
                name="user_unique_oidc_identity",
            ),
        ]

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return full_name or self.username


class Organisation(models.Model):
    """A municipality (Gemeinde, Stadt, Landkreis) identified by its Amtlicher Gemeindeschlüssel."""

    class LegalForm(models.TextChoices):
        # The deployer's legal form under the AI Act: Art. 27(1) reaches bodies governed by public
        # law and private entities providing public services, Art. 26(8) and 49(3) only public
        # authorities (and those acting on their behalf). Values as governance.risk.engine reads.
        PUBLIC_AUTHORITY = "public_authority", _("Behörde (Gemeinde, Stadt, Landkreis)")
        BODY_GOVERNED_BY_PUBLIC_LAW = (
            "body_governed_by_public_law",
            _("Einrichtung des öffentlichen Rechts (Anstalt, Zweckverband, Eigenbetrieb)"),
        )
        PRIVATE_PUBLIC_SERVICES = (
            "private_public_services",
            _("Kommunales Unternehmen privaten Rechts, das öffentliche Dienste erbringt"),
        )
        PRIVATE = "private", _("Privatrechtliches Unternehmen ohne öffentliche Dienste")

    class Kind(models.TextChoices):
        # An IT service provider (kommunaler IT-Dienstleister, Zweckverband) publishes templates
        # for its member municipalities; it deploys none of them itself.
        MUNICIPALITY = "municipality", _("Kommune")
        IT_SERVICE_PROVIDER = "it_service_provider", _("IT-Dienstleister")

    name = models.CharField(_("Name"), max_length=200)
    slug = models.SlugField(_("Kurzname in Adressen"), max_length=80, unique=True)
    # An IT service provider (a Zweckverband, an Anstalt) is no Gemeinde and has no AGS; every
    # other organisation has one (constraint below). NULL, not "", so that "unique" allows many.
    ags = models.CharField(
        _("Amtlicher Gemeindeschlüssel (AGS)"),
        max_length=8,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_ags],
        help_text=_(
            "8 Ziffern, z. B. 05315000 für Köln. Leer nur bei einem IT-Dienstleister ohne "
            "eigenen Gemeindeschlüssel."
        ),
    )
    legal_form = models.CharField(
        _("Rechtsform (KI-VO)"),
        max_length=40,
        choices=LegalForm.choices,
        default=LegalForm.PUBLIC_AUTHORITY,
        db_default=LegalForm.PUBLIC_AUTHORITY,
        help_text=_(
            "Entscheidet über Grundrechte-Folgenabschätzung (Art. 27 Abs. 1 KI-VO) und "
            "Registrierung als Betreiber (Art. 26 Abs. 8, Art. 49 Abs. 3 KI-VO)."
        ),
    )
    kind = models.CharField(
        _("Art"),
        max_length=30,
        choices=Kind.choices,
        default=Kind.MUNICIPALITY,
        db_default=Kind.MUNICIPALITY,
        help_text=_(
            "Ein IT-Dienstleister veröffentlicht Vorlagen, die seine Mitgliedskommunen "
            "nachnutzen; nur der Betrieb legt das fest."
        ),
    )
    contact_email = models.EmailField(_("Kontaktadresse (Funktionspostfach)"), blank=True)
    website = models.URLField(_("Website"), blank=True)
    # A storage name from accounts.logos (random, with the checked type's extension); set only
    # through accounts.services.update_organisation, which checks and stores the upload.
    logo = models.FileField(
        _("Logo"),
        upload_to="logos/",
        max_length=100,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "PNG oder JPEG, höchstens 1 MB und 2000 × 2000 Pixel. Erscheint im "
            "Transparenzbericht und auf der öffentlichen Seite der Organisation."
        ),
    )
    review_interval_high_risk_months = models.PositiveSmallIntegerField(
        _("Überprüfungsintervall Hochrisiko (Monate)"), default=12
    )
    review_interval_default_months = models.PositiveSmallIntegerField(
        _("Überprüfungsintervall sonst (Monate)"), default=24
    )
    board_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="board_of", editable=False
    )
    members_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="members_of", editable=False
    )
    auditors_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="auditors_of", editable=False
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("Historie Organisation"))

    class Meta:
        ordering = ["name"]
        verbose_name = _("Organisation")
        verbose_name_plural = _("Organisationen")
        constraints = [
            models.CheckConstraint(
                condition=Q(review_interval_high_risk_months__gte=1)
                & Q(review_interval_default_months__gte=1),
                name="organisation_review_intervals_positive",
            ),
            models.CheckConstraint(
                condition=Q(kind="it_service_provider") | Q(ags__isnull=False),
                name="organisation_ags_unless_provider",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # "" from a form or a service call is "no AGS": stored as NULL (unique allows many).
        if not self.ags:
            self.ags = None
        if self.ags is None and self.kind != Organisation.Kind.IT_SERVICE_PROVIDER:
            raise ValidationError(
                {
                    "ags": _(
                        "Eine Kommune braucht ihren Amtlichen Gemeindeschlüssel (AGS); nur ein "
                        "IT-Dienstleister kann ohne ihn angelegt werden."
                    )
                }
            )

    @property
    def logo_key(self) -> str:
        """The last part of the logo's address (registry:organisation_logo); empty without one."""
        return self.logo.name.rsplit("/", 1)[-1] if self.logo else ""


class ProviderMembership(models.Model):
    """A municipality's membership in an IT service provider: it sees and adopts the provider's
    published templates. Set by the operator only (`accounts.services`)."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="provider_memberships",
        verbose_name=_("Mitgliedskommune"),
    )
    provider = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="member_memberships",
        verbose_name=_("IT-Dienstleister"),
    )
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("Historie Mitgliedschaft bei IT-Dienstleister"))

    class Meta:
        ordering = ["provider__name", "organisation__name"]
        verbose_name = _("Mitgliedschaft bei einem IT-Dienstleister")
        verbose_name_plural = _("Mitgliedschaften bei IT-Dienstleistern")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "provider"], name="provider_membership_unique"
            ),
            models.CheckConstraint(
                condition=~Q(organisation=models.F("provider")),
                name="provider_membership_not_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.provider}"

    def clean(self) -> None:
        errors: dict[str, Any] = {}
        if self.provider_id and self.provider.kind != Organisation.Kind.IT_SERVICE_PROVIDER:
            errors["provider"] = _("Diese Organisation ist kein IT-Dienstleister.")
        if self.organisation_id and self.organisation.kind != Organisation.Kind.MUNICIPALITY:
            errors["organisation"] = _(
                "Mitglied eines IT-Dienstleisters kann nur eine Kommune sein."
            )
        if self.provider_id and self.provider_id == self.organisation_id:
            errors["organisation"] = _(
                "Eine Organisation kann nicht Mitglied bei sich selbst sein."
            )
        if errors:
            raise ValidationError(errors)


class Department(models.Model):
    """An Amt or Fachbereich of one organisation."""

    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="departments",
        verbose_name=_("Organisation"),
    )
    name = models.CharField(_("Name"), max_length=200)
    heads_group = models.OneToOneField(
        Group, on_delete=models.PROTECT, related_name="heads_of", editable=False
    )
    history = HistoricalRecords(verbose_name=_("Historie Fachbereich"))

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("Fachbereich")
        verbose_name_plural = _("Fachbereiche")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "name"], name="department_unique_name_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A user's role in one organisation, optionally tied to departments."""

    class Role(models.TextChoices):
        BOARD = "board", _("KI-Gremium")
        DEPARTMENT_HEAD = "department_head", _("Fachbereichsleitung")
        DATA_PROTECTION_OFFICER = "dpo", _("Datenschutzbeauftragte/r")
        INFORMATION_SECURITY_OFFICER = "iso", _("Informationssicherheitsbeauftragte/r")
        STAFF_COUNCIL = "staff_council", _("Personalrat")
        AUDITOR = "auditor", _("Rechnungsprüfung")

    class Source(models.TextChoices):
        MANUAL = "manual", _("manuell vergeben")
        IDENTITY_PROVIDER = "oidc", _("vom Identitätsanbieter")

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("Benutzer")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("Organisation"),
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Role.choices)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="memberships", verbose_name=_("Fachbereiche")
    )
    source = models.CharField(
        _("Herkunft"), max_length=10, choices=Source.choices, default=Source.MANUAL
    )
    history = HistoricalRecords(verbose_name=_("Historie Mitgliedschaft"), m2m_fields=[departments])

    class Meta:
        verbose_name = _("Mitgliedschaft")
        verbose_name_plural = _("Mitgliedschaften")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"], name="membership_unique_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()} ({self.organisation})"


class ClaimMappingRule(models.Model):
    """Grants a role when a claim from the identity provider carries a matching value.

    Without an organisation the pattern must be a regular expression with a named group `ags`
    that picks the organisation from the value (for installations serving many municipalities);
    a named group `department` likewise picks a department by name. Patterns run on RE2 (linear
    time), and a rule of an organisation reads only the logins attributed to that organisation
    (`accounts.claims.evaluate_claims`).
    """

    class MatchType(models.TextChoices):
        EXACT = "exact", _("genau dieser Wert")
        GLOB = "glob", _("Muster mit * und ?")
        REGEX = "regex", _("regulärer Ausdruck")

    name = models.CharField(
        _("Bezeichnung"), max_length=200, help_text=_("Wofür die Regel da ist, z. B. „KI-Gremium“.")
    )
    claim_path = models.CharField(
        _("Claim"),
        max_length=200,
        default="groups",
        help_text=_(
            "Pfad zum Claim mit den Gruppen, Teile durch Punkte getrennt, z. B. „groups“, "
            "„realm_access.roles“ oder „resource_access.ki-register.roles“."
        ),
    )
    match_type = models.CharField(
        _("Vergleich"), max_length=10, choices=MatchType.choices, default=MatchType.EXACT
    )
    pattern = models.CharField(
        _("Gruppe oder Muster"),
        max_length=500,
        help_text=_(
            "z. B. „/Lindenfeld/KI-Gremium“, „ki-*-gremium“ oder „^kommune-(?P<ags>\\d{8})$“. "
            "Verglichen wird immer der ganze Wert. Reguläre Ausdrücke prüft RE2 in linearer "
            "Zeit: Rückverweise und Lookarounds werden beim Speichern abgelehnt."
        ),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="claim_mapping_rules",
        verbose_name=_("Organisation"),
        help_text=_(
            "Leer: die Organisation kommt aus der Gruppe (benannte Gruppe „ags“; nur der Betrieb). "
            "Die Regel einer Organisation liest nur deren Anmeldungen: solche, deren "
            "Organisations-Claim (OIDC_ORGANISATION_CLAIM) ihren AGS trägt oder die eine Regel "
            "des Betriebs ihr zuordnet; ohne Organisations-Claim alle Anmeldungen."
        ),
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Membership.Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="claim_mapping_rules",
        verbose_name=_("Fachbereich"),
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("Historie Zuordnungsregel"))

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("Zuordnungsregel für Anmelde-Claims")
        verbose_name_plural = _("Zuordnungsregeln für Anmelde-Claims")

    def __str__(self) -> str:
        return self.name


class ApiClient(models.Model):
    """Another system that calls the REST API with tokens the identity provider issued to it."""

    name = models.CharField(_("Bezeichnung"), max_length=200)
    client_id = models.CharField(
        _("Client-ID beim Identitätsanbieter"),
        max_length=255,
        unique=True,
        help_text=_("Wie sie im Token steht („client_id“, „azp“ oder bei Entra ID „appid“)."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.CASCADE,
        related_name="api_clients",
        verbose_name=_("Organisation"),
    )
    role = models.CharField(_("Rolle"), max_length=20, choices=Membership.Role.choices)
    departments = models.ManyToManyField(
        Department, blank=True, related_name="api_clients", verbose_name=_("Fachbereiche")
    )
    service_user = models.OneToOneField(
        User, on_delete=models.PROTECT, related_name="api_client", editable=False
    )
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("angelegt am"), auto_now_add=True)
    history = HistoricalRecords(verbose_name=_("Historie API-Client"), m2m_fields=[departments])

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("API-Client")
        verbose_name_plural = _("API-Clients")

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # The web login's own client: its tokens carry people's subjects, and registering it
        # would turn the token of anyone not yet known into this client's role.
        if self.client_id and self.client_id == settings.OIDC_RP_CLIENT_ID:
            raise ValidationError(
                {
                    "client_id": _(
                        "Das ist die Client-ID, mit der sich Personen bei KI-Register anmelden. "
                        "Als API-Client dürfen nur Systeme mit eigenem Client "
                        "(Client-Credentials) eingetragen werden."
                    )
                }
            )
