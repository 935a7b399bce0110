"""The portfolio's pages: the board's portfolio, a use case's suitability and outcomes, the
board's indicators, the public outcomes of an organisation, and the Fahrplan 2027."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Organisation, User
from governance.reports.rendering import html_to_pdf, static_stylesheet
from maturity import permissions as maturity_permissions
from maturity.models import MaturityMeasure
from portfolio import charts, formula, permissions, selectors, services
from portfolio.forms import (
    CorrectionForm,
    DepartmentFilterForm,
    IndicatorForm,
    KernForm,
    MeasurementForm,
    PublicationForm,
    RatingForm,
)
from portfolio.models import CandidateRating, Measurement
from portfolio.opendata import OUTCOMES_SCHEMA_VERSION, outcomes_csv, outcomes_document
from portfolio.roadmap import build_roadmap
from registry.models import UseCase
from registry.paging import ResultPage
from registry.public.opendata import UrlFor
from registry.public.selectors import access_public_organisation

# One page of the ranking, and the chart beside it: a board reads 25 bubbles, not 2,000.
PORTFOLIO_PAGE_SIZE = 25


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _apply(form: KernForm, call: Callable[[], Any]) -> bool:
    """Run a service for a valid form; its refusals go onto the form. True when it saved."""
    if not form.is_valid():
        return False
    try:
        call()
    except ValidationError as exc:
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    except services.ConcurrentChange:
        form.add_error(
            None,
            _("Jemand hat die Einschätzung inzwischen geändert. Bitte laden Sie die Seite neu."),
        )
    else:
        return True
    form.mark_errors()
    return False


@require_GET
@login_required
def portfolio_page(request: HttpRequest) -> HttpResponse:
    """The board's portfolio: ideas and running use cases as a chart and a ranked table; the
    auditors read it too."""
    user = _actor(request)
    organisation, organisations = permissions.access_portfolio(
        user, request.GET.get("organisation"), audit=True
    )
    departments = list(organisation.departments.order_by("name").values_list("pk", "name"))
    filter_form = DepartmentFilterForm(request.GET or None, departments=departments)
    department = None
    status = 200
    if filter_form.is_bound and filter_form.is_valid():
        chosen = filter_form.cleaned_data["fachbereich"]
        department = organisation.departments.filter(pk=chosen).first() if chosen else None
    elif filter_form.is_bound:
        status = 400
    ranking = selectors.ranked(organisation, department=department)
    page = ResultPage.fetch(
        ranking,
        request.GET.get("seite"),
        per_page=PORTFOLIO_PAGE_SIZE,
        count=len(ranking),
        lower_bound=False,
    )
    candidates = page.object_list
    return render(
        request,
        "portfolio/portfolio.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "filter_form": filter_form,
            "department": department,
            "candidates": candidates,
            "page": page,
            "chart": charts.bubble_chart(candidates, first_rank=page.start_index()),
            "risk_styles": _legend(),
            "formula_version": formula.FORMULA_VERSION,
            "formulas": formula.FORMULAS,
            "terms": formula.TERMS,
            "axis_labels": formula.AXIS_LABELS,
            "is_board": permissions.can_manage_indicators(user, organisation.pk),
        },
        status=status,
    )


def _legend() -> list[dict[str, str]]:
    return [
        {
            "key": key,
            "label": str(UseCase.RiskClass(key).label),
            "colour": colour,
            "pattern": pattern,
        }
        for key, (colour, pattern) in charts.RISK_STYLES.items()
    ]


@require_http_methods(["GET", "POST"])
@login_required
def suitability(request: HttpRequest, pk: int) -> HttpResponse:
    """A use case's suitability score, term by term, and its rating of benefit and effort."""
    user = _actor(request)
    use_case = permissions.access_outcomes(user, pk)
    can_rate = permissions.can_maintain(user, use_case)
    rating = CandidateRating.objects.filter(use_case=use_case).first()
    initial: dict[str, Any] = {"version": services.version_of(rating)}
    if rating is not None:
        initial.update(benefit=rating.benefit, effort=rating.effort, note=rating.note)
    form = RatingForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST":
        if not can_rate:
            raise PermissionDenied
        saved = _apply(
            form,
            lambda: services.rate_candidate(
                use_case,
                actor=user,
                benefit=form.cleaned_data["benefit"],
                effort=form.cleaned_data["effort"],
                note=form.cleaned_data["note"],
                expected_version=form.cleaned_data["version"],
            ),
        )
        if saved:
            messages.success(request, _("Die Einschätzung ist gespeichert."))
            return redirect("portfolio:suitability", use_case.pk)
        status = 400
    return render(
        request,
        "portfolio/suitability.html",
        {
            "use_case": use_case,
            "candidate": selectors.scored_use_case(use_case),
            "can_rate": can_rate,
            "form": form,
            "errors": form.error_list() if form.is_bound else [],
            "formula_version": formula.FORMULA_VERSION,
            "formula_change": formula.CURRENT.change,
            "rating": rating,
        },
        status=status,
    )


def _indicator_choices(use_case: UseCase) -> list[tuple[str, str]]:
    return [(c.key, c.name) for c in selectors.indicators_of(use_case.organisation)]


@require_http_methods(["GET", "POST"])
@login_required
def outcomes(request: HttpRequest, pk: int) -> HttpResponse:
    """A use case's outcomes: charts and tables per indicator, to-dos, and a new measurement."""
    user = _actor(request)
    use_case = permissions.access_outcomes(user, pk)
    can_record = permissions.can_maintain(user, use_case)
    form = MeasurementForm(
        request.POST if request.method == "POST" else None,
        indicators=_indicator_choices(use_case),
        initial={"phase": "follow_up" if use_case.start_date else "baseline"},
    )
    status = 200
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        if _apply(
            form,
            lambda: services.record_measurement(use_case, actor=user, **form.cleaned_data),
        ):
            messages.success(request, _("Der Messwert ist erfasst."))
            return redirect("portfolio:outcomes", use_case.pk)
        status = 400
    measurements = list(selectors.measurements_of(use_case))
    series = selectors.series_of(measurements)
    return render(
        request,
        "portfolio/outcomes.html",
        {
            "use_case": use_case,
            "can_record": can_record,
            "form": form,
            "errors": form.error_list() if form.is_bound else [],
            "measurements": measurements,
            "panels": [
                {
                    "chart": charts.line_chart(s, go_live=use_case.start_date),
                    "caption_id": f"rows-{s.indicator_id}",
                    "rows": [m for m in measurements if m.indicator_id == s.indicator_id],
                }
                for s in series
            ],
            "todos": selectors.outcome_todos_of(use_case),
            "objections": selectors.objections_of(use_case),
        },
        status=status,
    )


def _correction_form(measurement: Measurement, data: Any = None) -> CorrectionForm:
    return CorrectionForm(
        data,
        initial={
            "value": measurement.value,
            "source": measurement.source,
            "note": measurement.note,
            "version": services.measurement_version(measurement),
        },
    )


def _conflict_form(measurement: Measurement, data: Any) -> CorrectionForm:
    """What the person typed, over the current version: saving it again overrides knowingly."""
    data = data.copy()
    data["version"] = services.measurement_version(measurement)
    form = _correction_form(measurement, data)
    form.is_valid()
    form.add_error(
        None,
        _(
            "Jemand hat diesen Messwert inzwischen geändert; Ihre Korrektur ist nicht "
            "gespeichert. Die aktuellen Werte und die Änderung stehen unten. Prüfen Sie Ihre "
            "Eingaben und speichern Sie erneut, wenn Ihre Fassung gelten soll."
        ),
    )
    form.mark_errors()
    return form


@require_http_methods(["GET", "POST"])
@login_required
def correct_measurement(request: HttpRequest, pk: int, measurement_pk: int) -> HttpResponse:
    """One measurement: its correction with a reason, and its history version by version."""
    user = _actor(request)
    measurement = permissions.access_measurement(user, pk, measurement_pk)
    use_case = measurement.use_case
    can_correct = permissions.can_maintain(user, use_case)
    form = _correction_form(measurement, request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        if not can_correct:
            raise PermissionDenied
        status = 400
        if form.is_valid():
            shown = form.cleaned_data["version"]
            try:
                services.correct_measurement(
                    measurement,
                    actor=user,
                    value=form.cleaned_data["value"],
                    source=form.cleaned_data["source"],
                    note=form.cleaned_data["note"],
                    reason=form.cleaned_data["reason"],
                    expected_version=shown,
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
                form.mark_errors()
            except services.ConcurrentChange:
                measurement = permissions.access_measurement(user, pk, measurement_pk)
                form = _conflict_form(measurement, request.POST)
                status = 409
            else:
                if services.measurement_version(measurement) != shown:
                    messages.success(request, _("Die Korrektur ist gespeichert."))
                else:
                    messages.info(request, _("Keine Änderungen – es war nichts zu speichern."))
                return redirect("portfolio:correct_measurement", use_case.pk, measurement.pk)
    return render(
        request,
        "portfolio/measurement_correction.html",
        {
            "use_case": use_case,
            "measurement": measurement,
            "can_correct": can_correct,
            "form": form,
            "errors": form.error_list() if form.is_bound else [],
            "versions": selectors.measurement_history(measurement),
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@login_required
def indicators(request: HttpRequest) -> HttpResponse:
    """The board's indicators: which are public, and indicators of its own."""
    user = _actor(request)
    organisation, organisations = permissions.access_portfolio(
        user, request.GET.get("organisation") or request.POST.get("organisation")
    )
    define_form = IndicatorForm(request.POST if "define" in request.POST else None)
    publication_form = PublicationForm(request.POST if "publish" in request.POST else None)
    status = 200
    if request.method == "POST":
        back = f"{reverse('portfolio:indicators')}?organisation={organisation.slug}"
        if "define" in request.POST:
            if _apply(
                define_form,
                lambda: services.define_indicator(
                    organisation, actor=user, **define_form.cleaned_data
                ),
            ):
                messages.success(request, _("Die Kennzahl ist angelegt."))
                return redirect(back)
        elif _apply(
            publication_form,
            lambda: services.set_indicator_publication(
                organisation,
                publication_form.cleaned_data["indicator"],
                actor=user,
                is_public=publication_form.cleaned_data["is_public"],
                reason=publication_form.cleaned_data["reason"],
            ),
        ):
            messages.success(request, _("Die Veröffentlichung ist gespeichert."))
            return redirect(back)
        status = 400
    errors = define_form.error_list() if define_form.is_bound else []
    if publication_form.is_bound:
        errors += publication_form.error_list()
    return render(
        request,
        "portfolio/indicators.html",
        {
            "organisation": organisation,
            "organisations": organisations,
            "indicators": selectors.indicators_of(organisation),
            "define_form": define_form,
            "publication_form": publication_form,
            "errors": errors,
        },
        status=status,
    )


@require_GET
def public_outcomes(request: HttpRequest, slug: str) -> HttpResponse:
    """The published outcomes of an organisation's public use cases."""
    organisation = access_public_organisation(slug)
    trend = selectors.outcome_trend(organisation, published_only=True)
    series = selectors.organisation_series(organisation, published_only=True)
    return render(
        request,
        "portfolio/public_outcomes.html",
        {
            "organisation": organisation,
            "trend": trend,
            "charts": [charts.line_chart(s) for s in series if s.points],
        },
    )


@require_GET
def outcomes_json(request: HttpRequest) -> JsonResponse:
    """The open data of published outcomes, in its own versioned schema."""
    document = outcomes_document(
        selectors.public_measurements(),
        url_for=lambda pk: request.build_absolute_uri(reverse("registry:use_case", args=[pk])),
    )
    response = JsonResponse(document, json_dumps_params={"ensure_ascii": False})
    response["X-Schema-Version"] = OUTCOMES_SCHEMA_VERSION
    return response


@require_GET
def outcomes_csv_file(request: HttpRequest) -> StreamingHttpResponse:
    """The published outcomes as CSV: the JSON document's records, one row each."""
    url_for = UrlFor(
        request.build_absolute_uri(reverse("registry:use_case", args=[UrlFor.PLACEHOLDER]))
    )
    response = StreamingHttpResponse(
        outcomes_csv(selectors.public_measurements(), url_for=url_for),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="ki-register-wirkung.csv"'
    response["X-Schema-Version"] = OUTCOMES_SCHEMA_VERSION
    response["Access-Control-Allow-Origin"] = "*"
    return response


def _roadmap_context(organisation: Organisation) -> dict[str, Any]:
    context = build_roadmap(organisation, timezone.localdate())
    context["measure_statuses"] = dict(MaturityMeasure.Status.choices)
    return context


@login_required
def roadmap(request: HttpRequest, slug: str) -> HttpResponse:
    """Fahrplan 2027: where the organisation stands and what is realistic by 2027; the board
    plans measures on it, the auditors read it."""
    user = _actor(request)
    organisation = maturity_permissions.access_organisation(
        user, slug, area=maturity_permissions.BOARD, audit=True
    )
    context = _roadmap_context(organisation)
    context.update(maturity_permissions.page_areas(user, organisation))
    return render(request, "portfolio/roadmap.html", context)


@login_required
def roadmap_pdf(request: HttpRequest, slug: str) -> HttpResponse:
    """The Fahrplan 2027 as a tagged PDF, in German, for the council's papers."""
    user = _actor(request)
    organisation = maturity_permissions.access_organisation(
        user, slug, area=maturity_permissions.BOARD, audit=True
    )
    with translation.override("de"):
        context = _roadmap_context(organisation)
        context["roadmap_css"] = "\n".join(
            static_stylesheet(name) for name in ("css/maturity.css", "css/portfolio.css")
        )
        document = render_to_string("portfolio/roadmap_document.html", context)
    response = HttpResponse(html_to_pdf(document), content_type="application/pdf")
    today = context["today"].isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="fahrplan-2027-{organisation.slug}-{today}.pdf"'
    )
    return response
