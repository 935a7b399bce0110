"""Reads of reuse between municipalities and of import jobs that carry rules."""

from django.db.models import Q, QuerySet
from django.http import Http404

from accounts import roles
from accounts.models import Department, Membership, Organisation, ProviderMembership, User
from interop.models import Adoption, ImportJob, UseCaseTemplate
from registry import permissions
from registry.models import PublishedUseCase


def public_adoption_of(use_case_id: int) -> Adoption | None:
    """Where a published use case was adopted from; the source's link only while it is public."""
    return (
        Adoption.objects.select_related("source_organisation", "source__publication", "template")
        .filter(use_case_id=use_case_id)
        .first()
    )


def public_adopter_count(use_case_id: int) -> int:
    """How many other organisations publish a use case adopted from this one."""
    published = PublishedUseCase.objects.filter(adopted_from_id=use_case_id)
    return published.values("organisation_id").distinct().count()


def access_import_job(user: User, job_id: int) -> ImportJob:
    """One's own import job; anyone else's and a missing one are the same 404."""
    job = ImportJob.objects.filter(pk=job_id, requested_by_id=user.pk).first()
    if job is None:
        raise Http404
    return job


# -- IT service providers' templates -----------------------------------------------------------


def providers_managed_by(user: User) -> QuerySet[Organisation]:
    """IT service providers whose templates the user writes and publishes: the provider's board
    and department heads (the operator: every provider)."""
    providers = Organisation.objects.filter(kind=Organisation.Kind.IT_SERVICE_PROVIDER)
    if roles.is_operator(user):
        return providers
    return providers.filter(
        pk__in=roles.organisation_ids_where(
            user, Membership.Role.BOARD, Membership.Role.DEPARTMENT_HEAD
        )
    )


def templates_managed_by(user: User) -> QuerySet[UseCaseTemplate]:
    """Every template (drafts included) of the providers the user writes for."""
    return UseCaseTemplate.objects.filter(
        organisation__in=providers_managed_by(user)
    ).select_related("organisation")


def adopting_departments(user: User, template: UseCaseTemplate) -> QuerySet[Department]:
    """The departments the user may adopt the template into: those the user may create use cases
    in, of the provider's member municipalities."""
    members = ProviderMembership.objects.filter(provider_id=template.organisation_id)
    return (
        permissions.departments_creatable_by(user)
        .filter(organisation_id__in=members.values("organisation_id"))
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )


def templates_offered_to(user: User) -> QuerySet[UseCaseTemplate]:
    """Published templates of the IT service providers of which a municipality the user may
    create use cases in is a member ("Vorlagen Ihres IT-Dienstleisters")."""
    organisations = permissions.departments_creatable_by(user).values("organisation_id")
    providers = ProviderMembership.objects.filter(organisation_id__in=organisations)
    return (
        UseCaseTemplate.objects.filter(
            state=UseCaseTemplate.State.PUBLISHED,
            organisation_id__in=providers.values("provider_id"),
        )
        .select_related("organisation")
        .order_by("organisation__name", "title", "pk")
    )


def access_template(user: User, template_id: int, *, manage: bool) -> UseCaseTemplate:
    """A template the user writes for (`manage`), or one offered to the user to adopt; missing,
    unpublished and another provider's are the same 404."""
    visible = Q(organisation__in=providers_managed_by(user))
    if not manage:
        visible |= Q(pk__in=templates_offered_to(user).values("pk"))
    template = (
        UseCaseTemplate.objects.select_related("organisation")
        .filter(visible, pk=template_id)
        .first()
    )
    if template is None:
        raise Http404
    return template


def public_template(template_id: int) -> UseCaseTemplate:
    """A published template's public page; drafts, withdrawn and missing ones are 404."""
    template = (
        UseCaseTemplate.objects.select_related("organisation")
        .filter(pk=template_id, state=UseCaseTemplate.State.PUBLISHED)
        .first()
    )
    if template is None:
        raise Http404
    return template


def template_adopters(template_id: int) -> QuerySet[Organisation]:
    """The organisations that publish a use case adopted from the template (drafts and internal
    use cases of adopters are nobody else's business)."""
    published = PublishedUseCase.objects.filter(use_case__adoption__template_id=template_id)
    return Organisation.objects.filter(pk__in=published.values("organisation_id")).order_by("name")


def template_version(template: UseCaseTemplate) -> str:
    """The version an edit form carries: the template's newest history row."""
    latest = (
        UseCaseTemplate.history.filter(id=template.pk)
        .order_by("-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return str(latest or "")
