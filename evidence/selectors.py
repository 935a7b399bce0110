"""Reads of documents that carry rules: the documents of a target, newest version first."""

from django.db.models import OuterRef, Prefetch, QuerySet, Subquery

from accounts.models import User
from evidence.models import Document, DocumentVersion
from evidence.permissions import documents_visible_to
from registry.models import PublishedUseCase


def _with_versions(documents: QuerySet[Document]) -> QuerySet[Document]:
    versions = DocumentVersion.objects.select_related("uploaded_by").order_by("-number")
    return documents.select_related("created_by", "published_by").prefetch_related(
        Prefetch("versions", queryset=versions)
    )


def documents_of_use_case(user: User, use_case_id: int) -> QuerySet[Document]:
    """The documents of a use case and of its records (obligations, sign-offs, …) the user sees."""
    return _with_versions(documents_visible_to(user).filter(use_case_id=use_case_id)).order_by(
        "target_kind", "target_id", "title", "pk"
    )


def documents_of_target(user: User, kind: str, target_id: int) -> QuerySet[Document]:
    """The documents attached to one record, as far as the user may see them."""
    return _with_versions(documents_visible_to(user).filter(target_kind=kind, target_id=target_id))


def documents_of_organisation(user: User, organisation_id: int) -> QuerySet[Document]:
    """The organisation-wide documents (e.g. AI-literacy training records) the user may see."""
    return documents_of_target(user, "organisation", organisation_id)


def latest_version(document: Document) -> DocumentVersion | None:
    """The newest version, from the prefetched versions when there are any."""
    versions = list(document.versions.all())
    return versions[0] if versions else None


def published_document(pk: int | str) -> Document | None:
    """A document the board published whose use case, if any, is public too."""
    try:
        document = Document.objects.get(pk=pk, is_published=True)
    except (Document.DoesNotExist, ValueError, TypeError, OverflowError):
        return None
    if (
        document.use_case_id is not None
        and not PublishedUseCase.objects.filter(use_case_id=document.use_case_id).exists()
    ):
        return None
    return document


def published_documents_of(use_case_id: int) -> QuerySet[Document]:
    """The documents of a public use case the board published, each with its newest version's
    date and size (`latest_date`, `latest_size`), in one query. For the use case's public page,
    which exists only while the use case is public (as does the download)."""
    newest = DocumentVersion.objects.filter(document=OuterRef("pk")).order_by("-number")
    return (
        Document.objects.filter(use_case_id=use_case_id, is_published=True)
        .annotate(
            latest_date=Subquery(newest.values("evidence_date")[:1]),
            latest_size=Subquery(newest.values("size")[:1]),
        )
        .filter(latest_date__isnull=False)
        .order_by("title", "pk")
    )


def published_documents_changed(use_case_id: int) -> Subquery:
    """When a document of the use case that was ever published was last published, changed or
    withdrawn: a subquery, part of the public page's version
    (registry.public.selectors.use_case_freshness)."""
    history = Document.history.model.objects
    ever_published = history.filter(use_case_id=use_case_id, is_published=True).values("id")
    return Subquery(
        history.filter(use_case_id=use_case_id, id__in=ever_published)
        .order_by("-history_date")
        .values("history_date")[:1]
    )


def published_documents_uploaded(use_case_id: int) -> Subquery:
    """When a new version of a published document of the use case was last uploaded (the
    public page shows the newest version's date and size): a subquery, like the above."""
    return Subquery(
        DocumentVersion.objects.filter(
            document__use_case_id=use_case_id, document__is_published=True
        )
        .order_by("-uploaded_at")
        .values("uploaded_at")[:1]
    )


def targets_with_documents(kind: str, target_ids: list[int]) -> set[int]:
    """Which of these records of a kind have at least one document (a rule's check, not a list)."""
    return set(
        Document.objects.filter(target_kind=kind, target_id__in=target_ids)
        .values_list("target_id", flat=True)
        .distinct()
    )
