"""The workspace's pages for incidents and objections: lists, recording, handling.

Each page reads through incidents.permissions (same 404 for missing and foreign) and writes
through one service; datetimes are entered and shown in the organisation's time zone.
"""

import datetime
import zoneinfo
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts import roles
from accounts.models import User
from evidence import selectors as evidence_selectors
from governance import permissions as governance_permissions
from governance import services as governance_services
from governance.workflow import TRANSITIONS
from incidents import permissions, selectors, services
from incidents.evidence_targets import INCIDENT
from incidents.models import FollowUpAction, Incident, Objection
from workspace.incident_forms import (
    ActionForm,
    IncidentForm,
    NewIncidentForm,
    ObjectionDecisionForm,
    ObjectionRecordForm,
    PublicNoteForm,
    ReasonForm,
    ReportForm,
    ResponseSettingsForm,
)
from workspace.views import login_required_keeping_post


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


def _zone(organisation_id: int) -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(selectors.response_settings_of(organisation_id).time_zone)


def _errors(form: forms.BaseForm) -> list[dict[str, Any]]:
    return [
        {"id": form[name].auto_id, "label": form[name].label, "message": message}
        for name, errs in form.errors.items()
        if name != "__all__" and name in form.fields
        for message in errs
    ]


def _apply(form: forms.BaseForm, call: Callable[[], Any]) -> bool:
    """Run a service for a valid form; its refusals go onto the form. True when it saved."""
    if not form.is_valid():
        return False
    try:
        call()
    except ValidationError as exc:
        for field, errs in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    except services.ConcurrentChange:
        form.add_error(
            None,
            _("Jemand hat den Datensatz inzwischen geändert. Bitte laden Sie die Seite neu."),
        )
    else:
        return True
    form._mark_errors()  # type: ignore[attr-defined]
    return False


def duration_text(delta: datetime.timedelta) -> str:
    """A span as days and hours (or hours and minutes under a day), in words."""
    minutes = max(int(abs(delta).total_seconds()) // 60, 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return _("%(days)s, %(hours)s") % {
            "days": ngettext("%(n)d Tag", "%(n)d Tage", days) % {"n": days},
            "hours": ngettext("%(n)d Stunde", "%(n)d Stunden", hours) % {"n": hours},
        }
    return _("%(hours)s, %(minutes)s") % {
        "hours": ngettext("%(n)d Stunde", "%(n)d Stunden", hours) % {"n": hours},
        "minutes": ngettext("%(n)d Minute", "%(n)d Minuten", minutes) % {"n": minutes},
    }


def deadline_rows(
    items: list[tuple[Incident | None, selectors.Deadline]], now: datetime.datetime
) -> list[dict[str, Any]]:
    """What the deadline table shows of each deadline: state and time left or overdue."""
    return [
        {
            "incident": incident,
            "deadline": deadline,
            "overdue": deadline.overdue(now),
            "span": duration_text(deadline.remaining(now)),
        }
        for incident, deadline in items
    ]


# -- incidents ------------------------------------------------------------------------------------


@require_GET
@login_required_keeping_post
def incident_list(request: HttpRequest) -> HttpResponse:
    """The incidents the user may see, with the reporting deadlines still open."""
    user = _actor(request)
    visible = permissions.incidents_visible_to(user)
    incidents = visible.select_related("use_case", "use_case__department")[:200]
    return render(
        request,
        "workspace/incident_list.html",
        {
            "incidents": incidents,
            "open_deadlines": deadline_rows(
                [(item.incident, item.deadline) for item in selectors.open_deadlines(visible)],
                timezone.now(),
            ),
            "may_record": permissions.use_cases_for_incidents(user).exists(),
            "may_set_deadlines": roles.boards_of(user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def incident_create(request: HttpRequest) -> HttpResponse:
    """Record an incident of a use case of the user's department or board."""
    user = _actor(request)
    use_cases = permissions.use_cases_for_incidents(user).order_by("title")
    if not use_cases.exists():
        raise PermissionDenied
    initial = {"use_case": request.GET.get("anwendungsfall")} if request.method == "GET" else None
    form = NewIncidentForm(
        data=request.POST if request.method == "POST" else None,
        initial=initial,
        use_cases=use_cases,
    )
    status = 200
    if request.method == "POST":
        created: list[Incident] = []
        use_case = use_cases.filter(pk=form.data.get("use_case") or 0).first()
        zone = _zone(use_case.organisation_id) if use_case else None
        with timezone.override(zone):

            def record() -> None:
                data = dict(form.cleaned_data)
                created.append(services.record_incident(data.pop("use_case"), actor=user, **data))

            saved = _apply(form, record)
        if saved:
            messages.success(request, _("Die Störung ist erfasst."))
            return redirect("workspace:incident", created[0].pk)
        status = 400
    return render(
        request,
        "workspace/incident_form.html",
        {"form": form, "errors": _errors(form), "incident": None},
        status=status,
    )


def _incident_context(user: User, incident: Incident, **forms_: Any) -> dict[str, Any]:
    use_case = incident.use_case
    zone = selectors.response_settings_of(use_case.organisation_id).time_zone
    deadlines = selectors.deadlines_of(incident, zone)
    may_maintain = permissions.can_maintain(user, use_case)
    open_clocks = [(d.clock.key, d.clock.label) for d in deadlines if not d.done]
    suspend = TRANSITIONS["suspend"]
    return {
        "incident": incident,
        "use_case": use_case,
        "deadlines": deadline_rows([(None, d) for d in deadlines], timezone.now()),
        "time_zone": zone,
        "actions": incident.actions.all(),
        "may_maintain": may_maintain,
        "may_publish": permissions.can_publish_note(user, use_case),
        "may_suspend": (
            incident.effect == Incident.Effect.SERIOUS
            and suspend.allowed_from(use_case.workflow_state)
            and governance_permissions.can_operate(user, use_case)
        ),
        "report_form": forms_.get("report_form")
        or (ReportForm(clocks=open_clocks) if open_clocks else None),
        "action_form": forms_.get("action_form") or ActionForm(),
        "suspend_form": forms_.get("suspend_form") or ReasonForm(),
        "note_form": forms_.get("note_form")
        or PublicNoteForm(
            initial={"public_note": incident.public_note, "published": incident.note_published}
        ),
        "history": incident.history.select_related("history_user")[:50],
        "documents": [
            (document, evidence_selectors.latest_version(document))
            for document in evidence_selectors.documents_of_target(user, INCIDENT, incident.pk)
        ],
    }


@require_GET
@login_required_keeping_post
def incident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An incident: its facts, the deadlines that apply with the time left, its measures."""
    user = _actor(request)
    incident = permissions.access_incident(user, pk)
    with timezone.override(_zone(incident.use_case.organisation_id)):
        return render(request, "workspace/incident_detail.html", _incident_context(user, incident))


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def incident_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change an incident, with a reason, from the version the form showed."""
    user = _actor(request)
    incident = permissions.access_incident(user, pk)
    if not permissions.can_maintain(user, incident.use_case):
        raise PermissionDenied
    status = 200
    with timezone.override(_zone(incident.use_case.organisation_id)):
        form = IncidentForm(
            data=request.POST if request.method == "POST" else None,
            instance=Incident.objects.get(pk=incident.pk),
            initial={"version": services.version_of(incident)},
        )
        form.fields["version"] = forms.CharField(widget=forms.HiddenInput, required=False)
        if request.method == "POST":

            def change() -> None:
                data = dict(form.cleaned_data)
                reason = data.pop("reason")
                version = data.pop("version") or None
                services.change_incident(
                    incident, actor=user, reason=reason, fields=data, expected_version=version
                )

            if _apply(form, change):
                messages.success(request, _("Die Störung ist gespeichert."))
                return redirect("workspace:incident", incident.pk)
            status = 400
        return render(
            request,
            "workspace/incident_form.html",
            {"form": form, "errors": _errors(form), "incident": incident},
            status=status,
        )


def _incident_post(
    request: HttpRequest,
    pk: int,
    key: str,
    make: Callable[[Incident, Any], forms.Form],
    run: Callable[[Incident, User, dict[str, Any]], Any],
    done: str,
) -> HttpResponse:
    user = _actor(request)
    incident = permissions.access_incident(user, pk)
    with timezone.override(_zone(incident.use_case.organisation_id)):
        form = make(incident, request.POST)
        if _apply(form, lambda: run(incident, user, dict(form.cleaned_data))):
            messages.success(request, done)
            return redirect("workspace:incident", incident.pk)
        context = _incident_context(user, incident, **{key: form})
        context["errors"] = _errors(form)
        return render(request, "workspace/incident_detail.html", context, status=400)


@require_POST
@login_required_keeping_post
def incident_report(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a report a deadline asked for."""

    def make(incident: Incident, data: Any) -> forms.Form:
        zone = selectors.response_settings_of(incident.use_case.organisation_id).time_zone
        clocks = [(d.clock.key, d.clock.label) for d in selectors.deadlines_of(incident, zone)]
        return ReportForm(data, clocks=clocks)

    return _incident_post(
        request,
        pk,
        "report_form",
        make,
        lambda incident, user, data: services.record_report(incident, actor=user, **data),
        _("Die Meldung ist erfasst."),
    )


@require_POST
@login_required_keeping_post
def incident_action(request: HttpRequest, pk: int) -> HttpResponse:
    """Add a follow-up action."""
    return _incident_post(
        request,
        pk,
        "action_form",
        lambda incident, data: ActionForm(data),
        lambda incident, user, data: services.add_follow_up_action(incident, actor=user, **data),
        _("Die Folgemaßnahme ist gespeichert."),
    )


@require_POST
@login_required_keeping_post
def incident_action_done(request: HttpRequest, pk: int, action_pk: int) -> HttpResponse:
    """Mark a follow-up action done today."""
    user = _actor(request)
    incident = permissions.access_incident(user, pk)
    action = FollowUpAction.objects.filter(pk=action_pk, incident=incident).first()
    if action is None:
        # An action of another incident (or none) is not an address of this one.
        raise Http404
    services.complete_follow_up_action(action, actor=user, done_at=timezone.localdate())
    messages.success(request, _("Die Folgemaßnahme ist erledigt."))
    return redirect("workspace:incident", incident.pk)


@require_POST
@login_required_keeping_post
def incident_note(request: HttpRequest, pk: int) -> HttpResponse:
    """The board's decision on the public note."""
    return _incident_post(
        request,
        pk,
        "note_form",
        lambda incident, data: PublicNoteForm(data),
        lambda incident, user, data: services.publish_incident_note(
            incident,
            actor=user,
            note=data["public_note"],
            published=data["published"],
            reason=data["reason"],
        ),
        _("Die Entscheidung über den öffentlichen Hinweis ist gespeichert."),
    )


@require_POST
@login_required_keeping_post
def incident_suspend(request: HttpRequest, pk: int) -> HttpResponse:
    """Suspend the use case because of this serious incident (Art. 26(5) KI-VO)."""

    def run(incident: Incident, user: User, data: dict[str, Any]) -> None:
        reason = _("Störung „%(title)s“: %(reason)s") % {
            "title": incident.title,
            "reason": data["reason"],
        }
        governance_services.suspend_use_case(incident.use_case, actor=user, reason=reason)

    return _incident_post(
        request,
        pk,
        "suspend_form",
        lambda incident, data: ReasonForm(data),
        run,
        _("Der Einsatz ist ausgesetzt; die Überprüfung ist jetzt fällig."),
    )


# -- objections -----------------------------------------------------------------------------------


@require_GET
@login_required_keeping_post
def objection_list(request: HttpRequest) -> HttpResponse:
    """Objections to the use cases of the user's department or board, open ones first."""
    user = _actor(request)
    objections = (
        permissions.objections_visible_to(user)
        .select_related("use_case")
        .order_by("status", "due_date", "pk")[:200]
    )
    return render(
        request,
        "workspace/objection_list.html",
        {
            "objections": objections,
            "today": timezone.localdate(),
            "may_record": permissions.use_cases_for_incidents(user).exists(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def objection_create(request: HttpRequest) -> HttpResponse:
    """Record an objection that came by mail, phone, letter or in person."""
    user = _actor(request)
    use_cases = permissions.use_cases_for_incidents(user).order_by("title")
    if not use_cases.exists():
        raise PermissionDenied
    form = ObjectionRecordForm(
        data=request.POST if request.method == "POST" else None, use_cases=use_cases
    )
    status = 200
    if request.method == "POST":
        created: list[Objection] = []

        def record() -> None:
            data = dict(form.cleaned_data)
            contact = {
                k: data[k] for k in ("statement", "name", "email", "postal_address", "phone")
            }
            created.append(
                services.record_objection(
                    data["use_case"],
                    actor=user,
                    channel=data["channel"],
                    received_at=data["received_at"],
                    contact=contact,
                )
            )

        if _apply(form, record):
            messages.success(
                request,
                _("Der Widerspruch ist erfasst: %(number)s") % {"number": created[0].case_number},
            )
            return redirect("workspace:objection", created[0].pk)
        status = 400
    return render(
        request,
        "workspace/objection_form.html",
        {"form": form, "errors": _errors(form)},
        status=status,
    )


def _objection_context(user: User, objection: Objection, form: Any = None) -> dict[str, Any]:
    contact = getattr(objection, "contact", None)
    return {
        "objection": objection,
        "contact": contact,
        "use_case": objection.use_case,
        "today": timezone.localdate(),
        "may_maintain": permissions.can_maintain(user, objection.use_case),
        "form": form or ObjectionDecisionForm(initial={"version": services.version_of(objection)}),
        "history": objection.history.select_related("history_user")[:50],
        "mails": objection.mails.all(),
    }


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An objection with its routing and deadline; the responsible people document the outcome."""
    user = _actor(request)
    objection = permissions.access_objection(user, pk)
    if request.method == "GET":
        return render(
            request, "workspace/objection_detail.html", _objection_context(user, objection)
        )
    if request.POST.get("step") == "review":
        try:
            services.start_objection_review(objection, actor=user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("workspace:objection", objection.pk)
    form = ObjectionDecisionForm(request.POST)

    def decide() -> None:
        data = form.cleaned_data
        services.decide_objection(
            objection,
            actor=user,
            outcome=data["outcome"],
            note=data["note"],
            human_review_done=data["human_review_done"],
            expected_version=data["version"] or None,
        )

    if _apply(form, decide):
        messages.success(request, _("Das Ergebnis ist dokumentiert."))
        return redirect("workspace:objection", objection.pk)
    context = _objection_context(user, objection, form)
    context["errors"] = _errors(form)
    return render(request, "workspace/objection_detail.html", context, status=400)


# -- the organisation's deadlines ----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def response_settings(request: HttpRequest) -> HttpResponse:
    """The board sets its organisation's time zone, objection deadline and retention."""
    user = _actor(request)
    organisations = list(roles.boards_of(user).order_by("name"))
    wanted = request.GET.get("organisation")
    organisation = next((o for o in organisations if not wanted or o.slug == wanted), None)
    if organisation is None:
        raise PermissionDenied if not organisations else Http404
    current = selectors.response_settings_of(organisation.pk)
    initial = {name: getattr(current, name) for name in services.SETTINGS_FIELDS}
    form = ResponseSettingsForm(
        data=request.POST if request.method == "POST" else None, initial=initial
    )
    status = 200
    if request.method == "POST":

        def save() -> None:
            data = dict(form.cleaned_data)
            reason = data.pop("reason")
            services.update_response_settings(organisation, actor=user, reason=reason, fields=data)

        if _apply(form, save):
            messages.success(request, _("Die Fristen sind gespeichert."))
            return redirect(f"{request.path}?organisation={organisation.slug}")
        status = 400
    return render(
        request,
        "workspace/response_settings.html",
        {
            "form": form,
            "errors": _errors(form),
            "organisation": organisation,
            "organisations": organisations,
        },
        status=status,
    )
