"""The maturity pages: Standortbestimmung, service maturity, measures, nominations.

Each view parses input, calls one access function and one selector or service, and renders.
"""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from accounts import roles
from accounts.models import Organisation, User
from maturity import charts, permissions, selectors, services
from maturity.forms import (
    MeasureForm,
    NominationForm,
    ReadinessForm,
    RevokeForm,
    ServiceAssessmentForm,
)
from maturity.models import AnswererNomination
from maturity.questionnaires import (
    ASKED_CRITERIA,
    CRITERIA,
    CRITERIA_BY_KEY,
    DIMENSIONS,
    GOVERNANCE_BASICS,
    READINESS_VERSION,
    SERVICE_LEVEL_RULE_SOURCE,
    SERVICE_LEVEL_SOURCE_NOTE,
    SERVICE_MODEL_SOURCE,
    SERVICE_VERSION,
)
from registry.validators import validate_leika_key

READINESS = AnswererNomination.Scope.READINESS
SERVICES = AnswererNomination.Scope.SERVICES


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required let only logged-in users in
    return user


def _apply_errors(form: Any, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, messages_ in error.message_dict.items():
            form.add_error(name if name in form.fields else None, messages_)
    else:
        form.add_error(None, error.messages)
    form.mark_errors()


@login_required
def index(request: HttpRequest) -> HttpResponseBase:
    """The organisations whose maturity pages the user may open; straight there when one."""
    user = _user(request)
    organisations = list(selectors.maturity_organisations_of(user).order_by("name"))
    if not organisations:
        raise Http404
    if len(organisations) == 1:
        return redirect(_start_of(user, organisations[0]))
    rows = [{"organisation": o, "url": _start_of(user, o)} for o in organisations]
    return render(request, "maturity/index.html", {"rows": rows})


def _start_of(user: User, organisation: Organisation) -> str:
    if permissions.may_read(user, organisation):
        return reverse("maturity:overview", args=[organisation.slug])
    if permissions.may_answer(user, organisation, READINESS):
        return reverse("maturity:readiness", args=[organisation.slug])
    return reverse("maturity:services", args=[organisation.slug])


@login_required
def overview(request: HttpRequest, slug: str) -> HttpResponse:
    """The results a board presents to the council: levels, gaps, trend, position, history;
    read by the organisation's auditors too."""
    user = _user(request)
    organisation = permissions.access_organisation(user, slug, area=permissions.BOARD, audit=True)
    assessments = list(selectors.readiness_assessments(organisation))
    latest = assessments[0] if assessments else None
    previous = assessments[1] if len(assessments) > 1 else None
    results = selectors.results(latest, previous) if latest else []
    distribution = selectors.distribution(organisation) if latest else None
    context = {
        "organisation": organisation,
        "latest": latest,
        "previous": previous,
        "results": results,
        "chart": charts.level_bars(results) if results else None,
        "assessments": [
            {"assessment": a, "levels": [a.level_of(d.key) for d in DIMENSIONS]}
            for a in assessments
        ],
        "dimensions": DIMENSIONS,
        "basics": [
            {"basic": b, "met": latest.governance_basics.get("met", {}).get(b.key)}
            for b in GOVERNANCE_BASICS
        ]
        if latest
        else [],
        "basics_counts": latest.governance_basics if latest else {},
        "distribution": distribution.rows(latest) if distribution and latest else None,
        "distribution_size": distribution.organisations if distribution else 0,
        "distribution_minimum": selectors.DISTRIBUTION_MIN_ORGANISATIONS,
        "version": READINESS_VERSION,
        **permissions.page_areas(user, organisation),
    }
    return render(request, "maturity/overview.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def readiness(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The readiness questionnaire, answered by the board or the person it named."""
    user = _user(request)
    organisation = permissions.access_organisation(user, slug, area=READINESS)
    latest = selectors.readiness_assessments(organisation).first()
    initial = latest.answers if latest else None
    form = ReadinessForm(request.POST or None, initial_answers=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_readiness_assessment(
                organisation, answers=form.answers(), actor=user, note=form.cleaned_data["note"]
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Standortbestimmung ist gespeichert."))
            if roles.is_board_member(user, organisation.pk):
                return redirect("maturity:overview", organisation.slug)
            return redirect("maturity:readiness", organisation.slug)
    return render(
        request,
        "maturity/readiness_form.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "latest": latest,
            "version": READINESS_VERSION,
            **permissions.page_areas(user, organisation),
        },
    )


@login_required
def service_list(request: HttpRequest, slug: str) -> HttpResponse:
    """The organisation's services with their OZG maturity and the AI use cases supporting them;
    the auditors read it without the questionnaire's links."""
    user = _user(request)
    organisation = permissions.access_organisation(user, slug, area=SERVICES, audit=True)
    rows = selectors.services_of(user, organisation)
    return render(
        request,
        "maturity/service_list.html",
        {
            "organisation": organisation,
            "rows": rows,
            "criteria": CRITERIA_BY_KEY,
            "model_source": SERVICE_MODEL_SOURCE,
            **permissions.page_areas(user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def service_assessment(request: HttpRequest, slug: str, leika_key: str) -> HttpResponseBase:
    """The OZG maturity questionnaire of one service (Reifegradmodell 2.0)."""
    user = _user(request)
    organisation = permissions.access_organisation(user, slug, area=SERVICES)
    try:
        validate_leika_key(leika_key)
    except ValidationError:
        raise Http404 from None
    row = selectors.service_of(user, organisation, leika_key)
    if row is None:
        raise Http404
    form = ServiceAssessmentForm(
        request.POST or None, use_cases=row.use_cases, previous=row.assessment
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.record_service_assessment(
                organisation,
                leika_key=leika_key,
                service_name=row.name,
                answers=form.answers(),
                use_case_support=form.support(),
                actor=user,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Der Reifegrad der Leistung ist gespeichert."))
            return redirect("maturity:services", organisation.slug)
    return render(
        request,
        "maturity/service_form.html",
        {
            "organisation": organisation,
            "row": row,
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "model_source": SERVICE_MODEL_SOURCE,
            "level_note": SERVICE_LEVEL_SOURCE_NOTE,
            "rule_source": SERVICE_LEVEL_RULE_SOURCE,
            "not_asked": [c for c in CRITERIA if not c.asked],
            "asked_count": len(ASKED_CRITERIA),
            "version": SERVICE_VERSION,
            **permissions.page_areas(user, organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The board plans a measure against a maturity gap."""
    user = _user(request)
    organisation = permissions.access_organisation(user, slug, area=permissions.BOARD)
    initial = {"dimension": request.GET.get("dimension", "")}
    form = MeasureForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        data.pop("version", None)
        try:
            services.create_measure(organisation, actor=user, reason=reason, **data)
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Maßnahme ist geplant."))
            return redirect("portfolio:roadmap", organisation.slug)
    return render(
        request,
        "maturity/measure_form.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "measure": None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_edit(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    """The board changes a measure (status, due date, owner) from the version it loaded."""
    user = _user(request)
    organisation = permissions.access_organisation(user, slug, area=permissions.BOARD)
    measure = permissions.access_measure(user, organisation, pk)
    initial = {
        "dimension": measure.dimension,
        "title": measure.title,
        "description": measure.description,
        "owner_role": measure.owner_role,
        "due_date": measure.due_date,
        "target_level": "" if measure.target_level is None else str(measure.target_level),
        "status": measure.status,
        "version": services.measure_version(measure),
    }
    form = MeasureForm(request.POST or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        reason = data.pop("reason")
        version = data.pop("version")
        try:
            services.update_measure(
                measure, actor=user, reason=reason, expected_version=version, **data
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Maßnahme ist geändert."))
            return redirect("portfolio:roadmap", organisation.slug)
    changes = measure.history.select_related("history_user").order_by("-history_date")[:20]
    return render(
        request,
        "maturity/measure_form.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "measure": measure,
            "changes": changes,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def nominations(request: HttpRequest, slug: str) -> HttpResponseBase:
    """The board names who answers the questionnaires, and sees who was named when."""
    user = _user(request)
    organisation = permissions.access_organisation(user, slug, area=permissions.BOARD)
    form = NominationForm(request.POST or None, people=selectors.nominable_people(organisation))
    if request.method == "POST" and form.is_valid():
        try:
            services.nominate_answerer(
                organisation,
                user=form.cleaned_data["user"],
                scope=form.cleaned_data["scope"],
                actor=user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            _apply_errors(form, error)
        else:
            messages.success(request, _("Die Person ist benannt."))
            return redirect("maturity:nominations", organisation.slug)
    rows = list(selectors.nominations_of(organisation))
    return render(
        request,
        "maturity/nominations.html",
        {
            "organisation": organisation,
            "form": form,
            "errors": form.error_summary() if form.is_bound else [],
            "rows": rows,
            "revoke_form": RevokeForm(),
        },
    )


@login_required
@require_POST
def nomination_revoke(request: HttpRequest, slug: str, pk: int) -> HttpResponseBase:
    """The board ends a nomination, with a reason."""
    user = _user(request)
    organisation = permissions.access_organisation(user, slug, area=permissions.BOARD)
    nomination = permissions.access_nomination(user, organisation, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        services.revoke_nomination(nomination, actor=user, reason=form.cleaned_data["reason"])
        messages.success(request, _("Die Benennung ist widerrufen."))
    else:
        messages.error(request, _("Grund des Widerrufs: Bitte geben Sie einen Grund an."))
    return redirect("maturity:nominations", organisation.slug)
