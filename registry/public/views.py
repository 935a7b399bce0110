"""The public transparency register: no login, German first, only PublishedUseCase is read."""

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.mail import send_mail
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    JsonResponse,
    StreamingHttpResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    patch_cache_control,
)
from django.utils.http import quote_etag
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods
from django_ratelimit.decorators import ratelimit

from accounts.logos import logo_content_type, logo_storage
from accounts.models import Organisation
from registry.models import WithheldField
from registry.paging import ResultPage
from registry.public import opendata, selectors
from registry.public.caching import (
    cache_headers,
    not_modified,
    public_etag,
    render_cached,
    revalidate,
)
from registry.public.entry import empty_fields, review_overdue_since
from registry.public.feeds import ChangesFeed
from registry.public.forms import (
    AccessibilityFeedbackForm,
    OrganisationSearchForm,
    RegisterFilterForm,
)
from registry.public.risk_classes import AI_ACT_URL, risk_class_sections
from registry.publication import WITHHELD_GROUPS

PAGE_SIZE = 20
ORGANISATIONS_PAGE_SIZE = 50
LOGO_MAX_AGE = 365 * 24 * 60 * 60


def bad_request(request: HttpRequest, form: forms.Form) -> HttpResponse:
    """The 400 page naming each filter that holds a value the register does not know."""
    response = render(request, "400.html", {"form": form}, status=400)
    add_never_cache_headers(response)
    return response


def _filtered_list(
    request: HttpRequest,
    template: str,
    *,
    organisation: Organisation | None = None,
    context: dict[str, Any] | None = None,
    freshness_parts: tuple[Any, ...] = (),
    total: int | None = None,
) -> HttpResponseBase:
    form = RegisterFilterForm(request.GET, organisation=organisation)
    if not form.is_valid():
        return bad_request(request, form)
    latest = selectors.register_freshness()
    # The data version, address and language determine the page: no count is needed for the tag.
    etag = public_etag(request, latest, *freshness_parts)
    cached = not_modified(request, etag, latest)
    if cached is not None:
        return cached

    def page_context() -> dict[str, Any]:
        records = selectors.filter_published_use_cases(form.search())
        if form.narrowed:
            count, lower_bound = selectors.count_published(records, latest)
        else:
            count = total if total is not None else selectors.total_published(latest)
            lower_bound = False
        page = ResultPage.fetch(
            records,
            request.GET.get("seite"),
            per_page=PAGE_SIZE,
            count=count,
            lower_bound=lower_bound,
        )
        search = form.search()
        # Nothing matches and no faceted filter narrowed it: every option would list nothing.
        none_at_all = (
            count == 0 and not lower_bound and not any(getattr(search, n) for n in selectors.FACETS)
        )
        facets = (
            selectors.no_facet_counts() if none_at_all else selectors.facet_counts(search, latest)
        )
        organisations: dict[int, int] | None = None
        if form.offers_organisations:
            organisations = (
                {}
                if none_at_all and search.organisation is None
                else selectors.organisation_facet(search, latest)
            )
        form.show_counts(facets, organisations)
        filters = request.GET.copy()
        filters.pop("seite", None)
        return {
            **(context or {}),
            "form": form,
            "page": page,
            "filters_applied": form.narrowed,
            "filters_chosen": form.filters_chosen,
            "filter_query": filters.urlencode(),
            "search_term": form.cleaned_data["q"],
        }

    response = render_cached(request, etag, latest, template, page_context)
    return cache_headers(request, response, etag, latest)


@require_GET
def register(request: HttpRequest) -> HttpResponseBase:
    """The register's front page: search and filter every published use case."""
    return _filtered_list(request, "public/register.html")


@require_GET
def organisation_list(request: HttpRequest) -> HttpResponseBase:
    """The organisations with published use cases, searchable by name or AGS, paginated."""
    form = OrganisationSearchForm(request.GET)
    if not form.is_valid():
        return bad_request(request, form)
    query = form.cleaned_data["q"]
    latest = selectors.register_freshness()
    etag = public_etag(request, latest)
    cached = not_modified(request, etag, latest)
    if cached is not None:
        return cached
    page = ResultPage.fetch(
        selectors.organisation_directory(query),
        request.GET.get("seite"),
        per_page=ORGANISATIONS_PAGE_SIZE,
        count=selectors.count_public_organisations(latest, query),
        lower_bound=False,
    )
    entries = selectors.published_counts([o.pk for o in page.object_list])
    organisations = [(o, entries.get(o.pk, 0)) for o in page.object_list]
    response = render(
        request,
        "public/organisation_list.html",
        {"form": form, "page": page, "organisations": organisations, "query": query},
    )
    return cache_headers(request, response, etag, latest)


@require_GET
def organisation_detail(request: HttpRequest, slug: str) -> HttpResponseBase:
    """One organisation: its contact, its counts and its published use cases."""
    organisation = selectors.access_public_organisation(slug)
    counts = selectors.organisation_counts(organisation)
    return _filtered_list(
        request,
        "public/organisation_detail.html",
        organisation=organisation,
        context={"organisation": organisation, "counts": counts},
        # Contact details are not history-tracked; they enter the tag directly.
        freshness_parts=(
            organisation.name,
            organisation.contact_email,
            organisation.website,
            organisation.logo.name,
        ),
        total=counts["total"],
    )


@require_GET
def organisation_logo(request: HttpRequest, slug: str, key: str) -> HttpResponseBase:
    """An organisation's logo. Its address changes with the file (a fresh storage name per
    upload), so every cache may keep it for a year."""
    name = selectors.access_organisation_logo(slug, key)
    try:
        handle = logo_storage().open(name, "rb")
    except OSError:
        raise Http404 from None
    response = FileResponse(handle, content_type=logo_content_type(name))
    patch_cache_control(response, public=True, max_age=LOGO_MAX_AGE, immutable=True)
    return response


def _withheld(record: Any) -> list[dict[str, str]]:
    labels = dict(WithheldField.Field.choices)
    return [
        {"group": group, "label": str(labels.get(group, group)), "reason": reason}
        for group, reason in (record.withheld or {}).items()
    ]


def _detail_context(record: Any) -> dict[str, Any]:
    withheld = record.withheld or {}
    return {
        "record": record,
        "withheld": _withheld(record),
        "withheld_reason": {
            group: withheld[group] for group in WITHHELD_GROUPS if group in withheld
        },
        "empty": empty_fields(record),
        # The record's own texts are German: marked so in another interface language (WCAG 3.1.2).
        "lang_de": "" if translation.get_language() == "de" else mark_safe(' lang="de"'),
    }


def _entry_modified(
    latest: datetime.datetime | None, overdue_since: datetime.date | None
) -> datetime.datetime | None:
    """When the entry page last changed: its data, or the start of the day its review became
    overdue (the page then says so without any change of the data)."""
    if latest is None or overdue_since is None:
        return latest
    overdue_from = datetime.datetime.combine(
        overdue_since + datetime.timedelta(days=1), datetime.time.min
    )
    return max(latest, timezone.make_aware(overdue_from))


@require_GET
def use_case_detail(request: HttpRequest, use_case_id: int) -> HttpResponseBase:
    """A published use case with its public change log."""
    freshness = selectors.entry_freshness(use_case_id)
    overdue_since = review_overdue_since(
        freshness.next_review_date, freshness.status, timezone.localdate()
    )
    latest = _entry_modified(freshness.latest, overdue_since)
    etag, cached = revalidate(request, latest, overdue_since)
    if cached is not None:
        return cached

    def detail_context() -> dict[str, Any]:
        record = selectors.access_published_use_case(use_case_id)
        entries = [
            {
                "version": entry.version,
                "kind": entry.kind,
                "labels": selectors.change_labels(entry.changes),
            }
            for entry in selectors.change_log(use_case_id, record.withheld or {})
        ]
        return {
            **_detail_context(record),
            "change_log": entries,
            "review_overdue_since": overdue_since,
        }

    response = render_cached(request, etag, latest, "public/use_case_detail.html", detail_context)
    return cache_headers(request, response, etag, latest)


def _entry_download(request: HttpRequest, use_case_id: int, fmt: str) -> HttpResponseBase:
    latest = selectors.use_case_freshness(use_case_id)
    etag, cached = revalidate(request, latest, fmt)
    if cached is not None:
        return cached
    record = selectors.access_published_use_case(use_case_id)
    url = request.build_absolute_uri(reverse("registry:use_case", args=[use_case_id]))
    response: HttpResponse
    if fmt == "csv":
        response = HttpResponse(
            opendata.entry_csv(record, url), content_type="text/csv; charset=utf-8"
        )
    else:
        response = JsonResponse(
            opendata.record_document(record, url),
            content_type="application/json; charset=utf-8",
            json_dumps_params={"ensure_ascii": False},
        )
    response["Content-Disposition"] = f'attachment; filename="ki-register-{use_case_id}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return cache_headers(request, response, etag, latest)


@require_GET
def use_case_csv(request: HttpRequest, use_case_id: int) -> HttpResponseBase:
    """One published entry as CSV: the register's header and this entry's row."""
    return _entry_download(request, use_case_id, "csv")


@require_GET
def use_case_json(request: HttpRequest, use_case_id: int) -> HttpResponseBase:
    """One published entry as JSON: its element of the register's JSON document."""
    return _entry_download(request, use_case_id, "json")


@require_GET
def use_case_version(request: HttpRequest, use_case_id: int, history_id: int) -> HttpResponseBase:
    """An earlier version of a published use case, as it was published then."""
    latest = selectors.use_case_freshness(use_case_id)
    etag, cached = revalidate(request, latest, history_id)
    if cached is not None:
        return cached
    version = selectors.access_published_version(use_case_id, history_id)
    response = render(request, "public/use_case_version.html", _detail_context(version))
    return cache_headers(request, response, etag, latest)


@require_GET
def use_case_objection(request: HttpRequest, use_case_id: int) -> HttpResponseBase:
    """How to object to a use case or ask for a human to review a result, and whom to write to."""
    latest = selectors.use_case_freshness(use_case_id)
    etag, cached = revalidate(request, latest)
    if cached is not None:
        return cached
    record = selectors.access_published_use_case(use_case_id)
    response = render(request, "public/use_case_objection.html", {"record": record})
    return cache_headers(request, response, etag, latest)


def _static_page(template: str) -> Callable[[HttpRequest], HttpResponseBase]:
    @require_GET
    def view(request: HttpRequest) -> HttpResponseBase:
        # A changed setting (the operator's name, a contact) is a new version of the page.
        etag = public_etag(request, template, repr(sorted(legal_settings().items())))
        cached = not_modified(request, etag, None)
        if cached is not None:
            return cached
        context = {"statement": accessibility_settings(), "legal": legal_settings()}
        response = render(request, template, context)
        return cache_headers(request, response, etag)

    return view


def accessibility_settings() -> dict[str, Any]:
    return {
        "contact_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "date": datetime.date.fromisoformat(settings.ACCESSIBILITY_STATEMENT_DATE),
        "enforcement_name": settings.ACCESSIBILITY_ENFORCEMENT_NAME,
        "enforcement_url": settings.ACCESSIBILITY_ENFORCEMENT_URL,
    }


def legal_settings() -> dict[str, Any]:
    """What the Impressum (§ 5 DDG) and the Datenschutzerklärung (Art. 13 DSGVO) name."""
    return {
        "statement_date": settings.ACCESSIBILITY_STATEMENT_DATE,
        "operator_name": settings.OPERATOR_NAME,
        "operator_address": settings.OPERATOR_ADDRESS,
        "operator_representative": settings.OPERATOR_REPRESENTATIVE,
        "operator_email": settings.OPERATOR_EMAIL,
        "operator_phone": settings.OPERATOR_PHONE,
        "dpo_contact": settings.DATA_PROTECTION_OFFICER_CONTACT,
        "authority_name": settings.DATA_PROTECTION_AUTHORITY_NAME,
        "authority_url": settings.DATA_PROTECTION_AUTHORITY_URL,
        "accessibility_email": settings.ACCESSIBILITY_CONTACT_EMAIL,
        "site_url": settings.SITE_URL,
    }


@require_GET
def risk_classes(request: HttpRequest) -> HttpResponseBase:
    """What each risk class of the AI Act means, one section for every class of the register."""
    sections = risk_class_sections()
    # The explanations are the page's version: changed texts are a new page.
    etag = public_etag(request, "risk-classes", repr(sections))
    cached = not_modified(request, etag, None)
    if cached is not None:
        return cached
    response = render(
        request,
        "public/risk_classes.html",
        {"sections": sections, "ai_act_url": AI_ACT_URL},
    )
    return cache_headers(request, response, etag)


accessibility_statement = _static_page("public/accessibility_statement.html")
imprint = _static_page("public/imprint.html")
privacy = _static_page("public/privacy.html")


@require_GET
def open_data(request: HttpRequest) -> HttpResponseBase:
    """The open data page: the files with their licence, last change and (once known) size."""
    latest = selectors.register_freshness()
    sizes = {fmt: cache.get(opendata.size_key(fmt, latest)) for fmt in ("csv", "json")}
    licence = opendata.licence()
    # As on the other static pages, a changed setting (the operator's name) is a new version.
    etag = public_etag(
        request,
        latest,
        sorted(sizes.items()),
        sorted(licence.items()),
        repr(sorted(legal_settings().items())),
    )
    cached = not_modified(request, etag, latest)
    if cached is not None:
        return cached
    context = {
        "latest": latest,
        "sizes": sizes,
        "licence": licence,
        "licence_allows": opendata.licence_allows(),
    }
    response = render(request, "public/open_data.html", context)
    return cache_headers(request, response, etag, latest)


def _public_form_rate(group: str, request: HttpRequest) -> str:
    rate: str = settings.PUBLIC_FORM_RATE
    return rate


# Every public form that sends a mail shares one budget per client address (config.client_ip).
limit_mail_posts = ratelimit(
    group="public-mail-forms", key="ip", rate=_public_form_rate, method="POST", block=False
)


@require_http_methods(["GET", "POST"])
@limit_mail_posts
def accessibility_feedback(request: HttpRequest) -> HttpResponseBase:
    """Report a barrier; the message goes by e-mail to the contact named in the statement."""
    form = AccessibilityFeedbackForm(request.POST or None)
    limited = getattr(request, "limited", False)
    if request.method == "POST" and not limited and form.is_valid():
        data = form.cleaned_data
        body = "\n\n".join(
            [
                data["message"],
                _("Seite: %(page)s") % {"page": data["page"] or "–"},
                _("Antwort an: %(email)s") % {"email": data["email"] or "–"},
            ]
        )
        send_mail(
            subject=_("Rückmeldung zur Barrierefreiheit des KI-Registers"),
            message=body,
            from_email=None,
            recipient_list=[settings.ACCESSIBILITY_CONTACT_EMAIL],
        )
        messages.success(request, _("Vielen Dank. Ihre Rückmeldung wurde gesendet."))
        return redirect(reverse("registry:accessibility_statement"))
    status = 429 if limited else 400 if request.method == "POST" else 200
    response = render(
        request,
        "public/accessibility_feedback.html",
        {"form": form, "statement": accessibility_settings(), "limited": limited},
        status=status,
    )
    add_never_cache_headers(response)
    return response


def _download(request: HttpRequest, slug: str | None, fmt: str) -> HttpResponseBase:
    organisation = selectors.access_public_organisation(slug) if slug else None
    form = RegisterFilterForm(request.GET, organisation=organisation)
    if not form.is_valid():
        return bad_request(request, form)
    records = selectors.filter_published_use_cases(form.search())
    latest = selectors.register_freshness()
    etag = public_etag(request, latest, fmt)
    cached = not_modified(request, etag, latest)
    if cached is not None:
        return cached
    url_for = opendata.UrlFor(
        request.build_absolute_uri(reverse("registry:use_case", args=[opendata.UrlFor.PLACEHOLDER]))
    )
    name = f"ki-register-{organisation.slug}" if organisation else "ki-register"
    chunks: Iterable[str]
    if fmt == "csv":
        chunks = opendata.stream_csv(records, url_for)
    else:
        meta: dict[str, Any] = {
            "version": opendata.SCHEMA_VERSION,
            "schema": request.build_absolute_uri(reverse("registry:schema_v1")),
            "generated_at": timezone.now().isoformat(),
            "source": request.build_absolute_uri(),
            "licence": opendata.document_licence(),
        }
        if organisation is not None:
            meta["organisation"] = {
                "name": organisation.name,
                "slug": organisation.slug,
                "ags": organisation.ags,
            }
        chunks = opendata.stream_json(records, url_for, meta=meta)
    if organisation is None and not request.GET:
        # The whole register's file: its size, once sent, is shown on the open data page.
        chunks = opendata.measured(chunks, opendata.size_key(fmt, latest))
    content_type = "text/csv" if fmt == "csv" else "application/json"
    response = StreamingHttpResponse(chunks, content_type=f"{content_type}; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    response["Access-Control-Allow-Origin"] = "*"
    return cache_headers(request, response, etag, latest)


@require_GET
def register_csv(request: HttpRequest, slug: str | None = None) -> HttpResponseBase:
    """The published register (all, one organisation, or a search) as CSV."""
    return _download(request, slug, "csv")


@require_GET
def register_json(request: HttpRequest, slug: str | None = None) -> HttpResponseBase:
    """The published register (all, one organisation, or a search) as JSON, schema v1."""
    return _download(request, slug, "json")


@require_GET
def schema_v1(request: HttpRequest) -> HttpResponseBase:
    """The JSON Schema of the register document, version 1."""
    etag = quote_etag(f"schema-{opendata.SCHEMA_VERSION}")
    cached = get_conditional_response(request, etag=etag)
    if cached is not None:
        return cached
    with translation.override("de"):
        schema = opendata.json_schema(request.build_absolute_uri())
    response = JsonResponse(
        schema,
        content_type="application/schema+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    response["ETag"] = etag
    return response


@require_GET
def changes_feed(request: HttpRequest, slug: str | None = None) -> HttpResponseBase:
    """An Atom feed of the newest public changes, of all organisations or one."""
    organisation = selectors.access_public_organisation(slug) if slug else None
    latest = selectors.changes_freshness(organisation)
    etag = public_etag(request, latest)
    cached = not_modified(request, etag, latest)
    if cached is not None:
        return cached
    response = ChangesFeed()(request, organisation=organisation)
    return cache_headers(request, response, etag, latest)
