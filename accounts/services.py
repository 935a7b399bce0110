"""Every write to organisations, departments, memberships (roles and municipalities' memberships
in IT service providers), claim mapping rules and API clients.

Each service records who made the change (`actor`) and why (`reason`) in the history. `actor`
is None only where no person acts: the identity provider's claim sync at login (its reason names
the provider and the groups), and setting up data without a person (fixtures).
"""

import hashlib
from collections.abc import Callable, Iterable, Mapping
from typing import Any
from uuid import uuid4

import re2
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext as _

from accounts import logos
from accounts.claims import (
    Evaluation,
    Grant,
    active_rules,
    compile_rule,
    evaluate_claims,
    log_evaluation,
    validate_rule,
    values_at,
)
from accounts.models import (
    ApiClient,
    ClaimMappingRule,
    Department,
    Membership,
    Organisation,
    ProviderMembership,
    User,
)

ORGANISATION_FIELDS = frozenset(
    {
        "name",
        "slug",
        "ags",
        "contact_email",
        "website",
        "logo",
        "legal_form",
        "kind",
        "review_interval_high_risk_months",
        "review_interval_default_months",
    }
)
DEPARTMENT_FIELDS = frozenset({"name"})
CLAIM_MAPPING_RULE_FIELDS = frozenset(
    {
        "name",
        "claim_path",
        "match_type",
        "pattern",
        "organisation",
        "role",
        "department",
        "is_active",
    }
)
API_CLIENT_FIELDS = frozenset({"name", "client_id", "organisation", "role", "is_active"})


def _require_reason(reason: str) -> None:
    if not reason or not reason.strip():
        raise ValidationError({"reason": _("Bitte geben Sie einen Grund für die Änderung an.")})


def _mark(instance: models.Model, *, actor: User | None, reason: str) -> None:
    # Read by django-simple-history for the row it writes on save, delete and M2M changes.
    instance._history_user = actor  # type: ignore[attr-defined]
    instance._change_reason = reason  # type: ignore[attr-defined]


def _assign(instance: models.Model, fields: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(fields) - allowed
    if unknown:
        raise ValidationError(
            {name: _("Dieses Feld gibt es nicht oder es ist nicht änderbar.") for name in unknown}
        )
    for name, value in fields.items():
        setattr(instance, name, value)


def _update(
    instance: models.Model,
    fields: dict[str, Any],
    allowed: frozenset[str],
    *,
    actor: User | None,
    reason: str,
    clean: Callable[[], None] | None = None,
) -> None:
    """Set the given fields, validate and save with actor and reason (nothing given: no row)."""
    _require_reason(reason)
    if not fields:
        return
    _assign(instance, fields, allowed)
    (clean or instance.full_clean)()
    _mark(instance, actor=actor, reason=reason)
    instance.save()


# -- organisations and departments --------------------------------------------------------------


@transaction.atomic
def create_organisation(
    *, actor: User | None, reason: str, name: str, slug: str, ags: str | None, **fields: Any
) -> Organisation:
    """Create an organisation with the groups that carry its object permissions (an IT service
    provider may have no AGS: "" or None)."""
    _require_reason(reason)
    organisation = Organisation(name=name, slug=slug, ags=ags or None)
    logo = fields.pop("logo", None)
    _assign(organisation, fields, ORGANISATION_FIELDS)
    organisation.full_clean(exclude=["board_group", "members_group", "auditors_group"])
    # Stored only once the rest is valid: a refused organisation leaves no file behind.
    organisation.logo.name = _stored_logo(logo)
    prefix = _group_prefix(organisation)
    organisation.board_group = Group.objects.create(name=f"{prefix}:board")
    organisation.members_group = Group.objects.create(name=f"{prefix}:members")
    organisation.auditors_group = Group.objects.create(name=f"{prefix}:auditors")
    _mark(organisation, actor=actor, reason=reason)
    organisation.save()
    return organisation


@transaction.atomic
def update_organisation(
    organisation: Organisation, *, actor: User | None, reason: str, **fields: Any
) -> Organisation:
    """Change an organisation's name, contact, logo or review intervals; its kind only while no
    provider membership depends on it. A logo upload is checked (accounts.logos) and stored
    under a fresh name; the replaced file is deleted once the change is committed."""
    if "kind" in fields and fields["kind"] != organisation.kind:
        linked = ProviderMembership.objects.filter(
            models.Q(organisation=organisation) | models.Q(provider=organisation)
        )
        if linked.exists():
            raise ValidationError(
                {
                    "kind": _(
                        "Die Art kann nicht geändert werden, solange Mitgliedschaften bei einem "
                        "IT-Dienstleister bestehen."
                    )
                }
            )
    previous_logo = organisation.logo.name
    if "logo" in fields:
        _require_reason(reason)
        fields["logo"] = _stored_logo(fields["logo"], previous_logo)
    try:
        _update(organisation, fields, ORGANISATION_FIELDS, actor=actor, reason=reason)
    except Exception:
        if fields.get("logo") and fields["logo"] != previous_logo:
            logos.logo_storage().delete(fields["logo"])
        raise
    if previous_logo and organisation.logo.name != previous_logo:
        # The old file goes once the change is committed; a rolled-back change keeps it.
        transaction.on_commit(lambda: logos.logo_storage().delete(previous_logo))
    return organisation


def _group_prefix(organisation: Organisation) -> str:
    """The first part of an organisation's group names: its AGS, readable in the admin; for a
    provider without one a fresh token (a slug could be taken again after a rename)."""
    if organisation.ags:
        return f"org:{organisation.ags}"
    if organisation.board_group_id:
        return organisation.board_group.name.removesuffix(":board")
    return f"org:provider-{uuid4().hex[:12]}"


def _stored_logo(value: object, current: str = "") -> str:
    """The storage name for a logo given to a service: an upload is checked and stored under a
    fresh name, the stored logo itself stays, nothing (None, False, "") removes the logo."""
    if not value:
        return ""
    if isinstance(value, FieldFile):
        if value.name == current:
            return current
    elif isinstance(value, File):
        return logos.store_logo(value)
    # A storage name or another record's file would let a logo show any stored file.
    raise ValidationError({"logo": _("Das Logo muss ein PNG- oder JPEG-Bild sein.")})


@transaction.atomic
def delete_organisation(organisation: Organisation, *, actor: User | None, reason: str) -> None:
    """Remove an organisation with everything that cascades from it (the operator's decision)."""
    _require_reason(reason)
    _mark(organisation, actor=actor, reason=reason)
    organisation.delete()


@transaction.atomic
def create_department(
    *, actor: User | None, reason: str, organisation: Organisation, name: str
) -> Department:
    """Create a department with the group that carries its heads' object permissions."""
    _require_reason(reason)
    department = Department(organisation=organisation, name=name)
    department.full_clean(exclude=["heads_group"])
    department.heads_group = Group.objects.create(
        name=f"{_group_prefix(organisation)}:dept:{uuid4().hex}"
    )
    _mark(department, actor=actor, reason=reason)
    department.save()
    return department


@transaction.atomic
def update_department(
    department: Department, *, actor: User | None, reason: str, **fields: Any
) -> Department:
    """Rename a department; it stays in its organisation."""
    _update(department, fields, DEPARTMENT_FIELDS, actor=actor, reason=reason)
    return department


@transaction.atomic
def delete_department(department: Department, *, actor: User | None, reason: str) -> None:
    """Remove a department; its use cases, memberships' links and rules cascade as modelled."""
    _require_reason(reason)
    _mark(department, actor=actor, reason=reason)
    department.delete()


# -- roles --------------------------------------------------------------------------------------


def _groups_for(membership: Membership) -> set[int]:
    organisation = membership.organisation
    groups = {organisation.members_group_id}
    if membership.role == Membership.Role.BOARD:
        groups.add(organisation.board_group_id)
    elif membership.role == Membership.Role.AUDITOR:
        groups.add(organisation.auditors_group_id)
    elif membership.role == Membership.Role.DEPARTMENT_HEAD:
        groups.update(d.heads_group_id for d in membership.departments.all())
    return groups


def sync_user_groups(user: User) -> None:
    """Derive the user's permission groups and admin access from their memberships."""
    memberships = user.memberships.select_related("organisation").prefetch_related("departments")
    wanted: set[int] = set()
    is_board = False
    for membership in memberships:
        wanted |= _groups_for(membership)
        is_board = is_board or membership.role == Membership.Role.BOARD
    user.groups.set(wanted)
    # Board members and auditors use the admin; nobody else is staff unless a superuser.
    is_staff = (
        user.is_superuser or is_board or memberships.filter(role=Membership.Role.AUDITOR).exists()
    )
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])


@transaction.atomic
def grant_role(
    user: User,
    *,
    organisation: Organisation,
    role: str,
    actor: User | None,
    reason: str,
    departments: Iterable[Department] = (),
    source: str = Membership.Source.MANUAL,
) -> Membership:
    """Give the user a role in an organisation; departments must belong to that organisation.

    A new membership leaves a "+" history row and, when it has departments, a "~" row for them
    (django-simple-history records M2M changes as changes); granting what is already held
    leaves none.
    """
    _require_reason(reason)
    departments = list(departments)
    foreign = [d for d in departments if d.organisation_id != organisation.pk]
    if foreign:
        raise ValidationError(
            {"departments": _("Der Fachbereich gehört nicht zu dieser Organisation.")}
        )
    membership = Membership.objects.filter(user=user, organisation=organisation, role=role).first()
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role, source=source)
        membership.full_clean()
        _mark(membership, actor=actor, reason=reason)
        membership.save()
    elif membership.source != source:
        membership.source = source
        _mark(membership, actor=actor, reason=reason)
        membership.save(update_fields=["source"])
    _mark(membership, actor=actor, reason=reason)
    membership.departments.set(departments)
    sync_user_groups(user)
    return membership


@transaction.atomic
def revoke_role(
    user: User, *, organisation: Organisation, role: str, actor: User | None, reason: str
) -> None:
    """Take a role in an organisation away from the user."""
    _require_reason(reason)
    for membership in Membership.objects.filter(user=user, organisation=organisation, role=role):
        _mark(membership, actor=actor, reason=reason)
        membership.delete()
    sync_user_groups(user)


# -- memberships in IT service providers -------------------------------------------------------


@transaction.atomic
def add_provider_member(
    provider: Organisation, *, organisation: Organisation, actor: User | None, reason: str
) -> ProviderMembership:
    """Make a municipality a member of an IT service provider (it then sees and adopts the
    provider's published templates)."""
    _require_reason(reason)
    membership = ProviderMembership(organisation=organisation, provider=provider)
    membership.full_clean()
    _mark(membership, actor=actor, reason=reason)
    membership.save()
    return membership


@transaction.atomic
def remove_provider_member(
    membership: ProviderMembership, *, actor: User | None, reason: str
) -> None:
    """End a municipality's membership in an IT service provider; use cases it adopted from
    the provider's templates stay, with their provenance."""
    _require_reason(reason)
    _mark(membership, actor=actor, reason=reason)
    membership.delete()


# -- claim mapping rules ------------------------------------------------------------------------


def _clean_rule(rule: ClaimMappingRule) -> None:
    rule.full_clean()
    validate_rule(rule)


@transaction.atomic
def create_claim_mapping_rule(
    *, actor: User | None, reason: str, **fields: Any
) -> ClaimMappingRule:
    """Add a rule from the identity provider's groups to a role."""
    _require_reason(reason)
    rule = ClaimMappingRule()
    _assign(rule, fields, CLAIM_MAPPING_RULE_FIELDS)
    _clean_rule(rule)
    _mark(rule, actor=actor, reason=reason)
    rule.save()
    return rule


@transaction.atomic
def update_claim_mapping_rule(
    rule: ClaimMappingRule, *, actor: User | None, reason: str, **fields: Any
) -> ClaimMappingRule:
    """Change a claim mapping rule; memberships follow at each person's next login."""
    _update(
        rule,
        fields,
        CLAIM_MAPPING_RULE_FIELDS,
        actor=actor,
        reason=reason,
        clean=lambda: _clean_rule(rule),
    )
    return rule


@transaction.atomic
def delete_claim_mapping_rule(rule: ClaimMappingRule, *, actor: User | None, reason: str) -> None:
    """Remove a claim mapping rule; the roles it granted go at each person's next login."""
    _require_reason(reason)
    _mark(rule, actor=actor, reason=reason)
    rule.delete()


# -- API clients --------------------------------------------------------------------------------


def _mirror_role(api_client: ApiClient, *, actor: User | None, reason: str) -> None:
    """Make the service user's one membership the API client's role and departments."""
    user = api_client.service_user
    for membership in user.memberships.select_related("organisation"):
        if (membership.organisation_id, membership.role) != (
            api_client.organisation_id,
            api_client.role,
        ):
            revoke_role(
                user,
                organisation=membership.organisation,
                role=membership.role,
                actor=actor,
                reason=reason,
            )
    grant_role(
        user,
        organisation=api_client.organisation,
        role=api_client.role,
        departments=api_client.departments.all(),
        source=Membership.Source.IDENTITY_PROVIDER,
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def create_api_client(
    *,
    actor: User | None,
    reason: str,
    departments: Iterable[Department] = (),
    **fields: Any,
) -> ApiClient:
    """Register another system for the API with a service user that holds the client's role."""
    _require_reason(reason)
    api_client = ApiClient()
    _assign(api_client, fields, API_CLIENT_FIELDS)
    api_client.full_clean(exclude=["service_user"])
    user = User(username=_service_username(api_client.client_id), is_active=api_client.is_active)
    user.set_unusable_password()
    user.save()
    api_client.service_user = user
    _mark(api_client, actor=actor, reason=reason)
    api_client.save()
    api_client.departments.set(list(departments))
    _mirror_role(api_client, actor=actor, reason=reason)
    return api_client


def _service_username(client_id: str) -> str:
    """The client id, readable; a long one cut and told apart by its hash (usernames hold 150)."""
    username = f"api-{client_id}"
    if len(username) <= 150:
        return username
    digest = hashlib.sha256(client_id.encode()).hexdigest()[:16]
    return f"api-{client_id[:120]}-{digest}"


@transaction.atomic
def update_api_client(
    api_client: ApiClient,
    *,
    actor: User | None,
    reason: str,
    departments: Iterable[Department] | None = None,
    **fields: Any,
) -> ApiClient:
    """Change an API client; its service user's role and activity follow."""
    _require_reason(reason)
    _assign(api_client, fields, API_CLIENT_FIELDS)
    api_client.full_clean(exclude=["service_user"])
    user = api_client.service_user
    if user.is_active != api_client.is_active:
        user.is_active = api_client.is_active
        user.save(update_fields=["is_active"])
    _mark(api_client, actor=actor, reason=reason)
    api_client.save()
    if departments is not None:
        api_client.departments.set(list(departments))
    _mirror_role(api_client, actor=actor, reason=reason)
    return api_client


@transaction.atomic
def delete_api_client(api_client: ApiClient, *, actor: User | None, reason: str) -> None:
    """Remove an API client; its service user stays, inactive and without roles, for the history."""
    _require_reason(reason)
    user = api_client.service_user
    _mark(api_client, actor=actor, reason=reason)
    api_client.delete()
    for membership in user.memberships.select_related("organisation"):
        revoke_role(
            user,
            organisation=membership.organisation,
            role=membership.role,
            actor=actor,
            reason=reason,
        )
    user.is_active = False
    user.save(update_fields=["is_active"])


# -- the identity provider's claim sync at login ------------------------------------------------


@transaction.atomic
def sync_memberships_from_claims(
    user: User, *, claims: Mapping[str, Any], default_claim_path: str = "groups"
) -> Evaluation:
    """Make the user's provider-managed memberships exactly what the claims grant now."""
    evaluation = evaluate_claims(
        claims,
        active_rules(),
        default_claim_path=default_claim_path,
        organisation_claim=settings.OIDC_ORGANISATION_CLAIM,
    )
    log_evaluation(user, evaluation)
    existing = {
        (membership.organisation_id, membership.role): membership
        for membership in user.memberships.select_related("organisation")
    }
    wanted = {(grant.organisation.pk, grant.role): grant for grant in evaluation.grants}
    for key, membership in existing.items():
        if membership.source == Membership.Source.IDENTITY_PROVIDER and key not in wanted:
            revoke_role(
                user,
                organisation=membership.organisation,
                role=membership.role,
                actor=None,
                reason=_revoked_by_provider(user),
            )
    for key, grant in wanted.items():
        current = existing.get(key)
        # A role the board gave by hand stays the board's: the provider neither changes nor
        # removes it.
        if current is not None and current.source != Membership.Source.IDENTITY_PROVIDER:
            continue
        grant_role(
            user,
            organisation=grant.organisation,
            role=grant.role,
            departments=grant.departments,
            source=Membership.Source.IDENTITY_PROVIDER,
            actor=None,
            reason=_granted_by_provider(user, claims, grant),
        )
    return evaluation


# The claim sync's history rows have no history_user: the provider, not the person logging in,
# decided the role. Their reason names the provider and, for grants, the groups.


def _granted_by_provider(user: User, claims: Mapping[str, Any], grant: Grant) -> str:
    groups: list[str] = []
    for rule in active_rules():
        # Only the rules that could have granted this: another organisation's rules never read
        # this login (evaluate_claims).
        if rule.role != grant.role or rule.organisation_id not in (None, grant.organisation.pk):
            continue
        try:
            compiled = compile_rule(rule)
        except re2.error:
            continue
        for value in values_at(claims, rule.claim_path):
            match = compiled.fullmatch(value)
            if match is None or value in groups:
                continue
            if rule.organisation_id == grant.organisation.pk or (
                rule.organisation_id is None
                and grant.organisation.ags
                and match.groupdict().get("ags") == grant.organisation.ags
            ):
                groups.append(value)
    return _("Anmeldung über den Identitätsanbieter %(issuer)s: Gruppe %(groups)s") % {
        "issuer": user.oidc_issuer,
        "groups": ", ".join(f"„{group}“" for group in groups),
    }


def _revoked_by_provider(user: User) -> str:
    return _(
        "Anmeldung über den Identitätsanbieter %(issuer)s: keine Gruppe gewährt die Rolle mehr"
    ) % {"issuer": user.oidc_issuer}
