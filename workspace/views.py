"""The department heads' and reviewers' workspace: guided form, overview, versions, inbox.

Views parse input, call one service (a step of the guided form is governance.services.
save_guided_step), read through workspace.selectors and render. Every use case comes
through registry.permissions (lists through use_cases_visible_to, one record through
access_use_case), so missing and foreign records give the same 404.
"""

import datetime
import math
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, Final

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Membership, User
from accounts.roles import organisations_where
from governance import permissions as governance_permissions
from governance import selectors as governance_selectors
from governance import services as governance_services
from governance.models import UNDETERMINED, ObligationItem
from governance.obligation_sync import USE_CASE_OWN
from governance.risk import Facts, FactsError, classify, parse_facts, tree
from governance.risk.dates import APPLICATION_DATES, describe
from governance.risk.questions import Question
from governance.services import ConcurrentChange
from governance.versions import use_case_version
from governance.workflow import (
    EDITABLE_STATES,
    REVIEWER_ROLES,
    SIGN_OFF_FOCUS,
    required_sign_off_roles,
)
from registry import leika, permissions, services
from registry.models import UseCase
from workspace import progress, selectors, versions
from workspace.forms import (
    CHILD_ROW_LABELS,
    CHILD_TITLES,
    MyUseCasesFilterForm,
    RiskQuestionForm,
    SignOffForm,
    SubmitForm,
    SystemStepForm,
    UseCaseStepForm,
    child_formset,
    rows_from_formset,
    step_form_class,
)
from workspace.similarity import similar_published_use_cases
from workspace.steps import (
    FIRST_STEP,
    STEPS,
    STEPS_BY_SLUG,
    Step,
    step_after,
    step_before,
)

PENDING_POST_KEY = "workspace_pending_post"
# Who was logged in last in this browser (signed): kept input is only ever shown to that person.
OWNER_COOKIE = "ki_register_workspace_owner"
OWNER_SALT = "workspace.kept-form-owner"
# Marks a kept form shown again after login: the view displays it, nothing is saved yet.
KEPT_FIELD = "_kept_after_login"


def is_kept_form(request: HttpRequest) -> bool:
    """Whether this POST is a form kept across a login, to be shown and not yet applied."""
    return request.method == "POST" and request.POST.get(KEPT_FIELD) == "1"


def _owner_in_browser(request: HttpRequest) -> int | None:
    value = request.get_signed_cookie(OWNER_COOKIE, default=None, salt=OWNER_SALT)
    return int(value) if value and value.isdigit() else None


def login_required_keeping_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Like login_required, but a form posted after the session expired is kept, not lost.

    The posted fields are stored in the new anonymous session (Django keeps its data across
    login) with the person who was logged in in this browser; after login the resume view shows
    them again in the same form, for that person only, to be checked and saved.
    """

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.user.is_authenticated:
            response = view(request, *args, **kwargs)
            response.set_signed_cookie(
                OWNER_COOKIE,
                str(request.user.pk),
                salt=OWNER_SALT,
                max_age=settings.SESSION_COOKIE_AGE * 2,
                secure=settings.SESSION_COOKIE_SECURE,
                httponly=True,
                samesite="Lax",
            )
            return response
        if request.method == "POST":
            owner = _owner_in_browser(request)
            if owner is None:
                messages.warning(
                    request,
                    _(
                        "Ihre Sitzung war abgelaufen. Bitte melden Sie sich an und geben Sie Ihre "
                        "Angaben erneut ein."
                    ),
                )
                return redirect_to_login(request.path)
            request.session[PENDING_POST_KEY] = {
                "path": request.path,
                "owner": owner,
                "data": [
                    [key, values]
                    for key, values in request.POST.lists()
                    if key not in {"csrfmiddlewaretoken", KEPT_FIELD}
                ],
            }
            messages.warning(
                request,
                _(
                    "Ihre Sitzung war abgelaufen. Ihre Eingaben sind gesichert und werden Ihnen "
                    "nach der Anmeldung zum Speichern wieder angezeigt."
                ),
            )
            return redirect_to_login(reverse("workspace:resume"))
        return redirect_to_login(request.get_full_path())

    return wrapped


@require_GET
@login_required_keeping_post
def landing(request: HttpRequest) -> HttpResponse:
    """Where a person starts after logging in: the board its dashboard, the others the workspace."""
    user = _actor(request)
    if governance_selectors.board_organisations_of(user).exists():
        return redirect("governance:dashboard")
    # Heads, reviewers and auditors work in the workspace; auditors read it without changing it.
    if (
        permissions.departments_creatable_by(user).exists()
        or organisations_where(user, *REVIEWER_ROLES, Membership.Role.AUDITOR).exists()
    ):
        return redirect("workspace:index")
    return redirect("registry:home")


@require_GET
@login_required_keeping_post
def resume(request: HttpRequest) -> HttpResponse:
    """Show the form that was posted while the session had expired again, to be saved."""
    pending = request.session.pop(PENDING_POST_KEY, None)
    if not pending:
        return redirect("workspace:index")
    if pending.get("owner") != request.user.pk:
        messages.warning(
            request,
            _(
                "In diesem Browser waren Eingaben einer anderen Anmeldung gesichert. Sie wurden "
                "verworfen und nicht gezeigt."
            ),
        )
        return redirect("workspace:index")
    try:
        match = resolve(pending["path"])
    except Resolver404:
        return redirect("workspace:index")
    if match.namespace != "workspace" or match.url_name == "resume":
        return redirect("workspace:index")
    data = QueryDict(mutable=True)
    for key, values in pending["data"]:
        data.setlist(key, values)
    data[KEPT_FIELD] = "1"
    messages.info(
        request,
        _(
            "Ihre gesicherten Eingaben stehen wieder im Formular. Es ist noch nichts gespeichert: "
            "Bitte prüfen Sie die Angaben und speichern Sie sie."
        ),
    )
    # Replayed as the same POST, marked so that the view shows it instead of saving it.
    request.method = "POST"
    request.POST = data  # type: ignore[assignment]
    response: HttpResponse = match.func(request, *match.args, **match.kwargs)
    return response


def _actor(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)
    return user


# ---------------------------------------------------------------------------------------------
# My use cases

MY_USE_CASES_PAGE_SIZE = 25


@dataclass(frozen=True)
class Section:
    """One page of a table of "my use cases", paged by its own query parameter."""

    entries: list[selectors.MyUseCase]
    number: int
    count: int
    previous_url: str
    next_url: str

    @property
    def rows(self) -> list[UseCase]:
        return [entry.use_case for entry in self.entries]

    @property
    def num_pages(self) -> int:
        return max(1, math.ceil(self.count / MY_USE_CASES_PAGE_SIZE))


def _page_number(request: HttpRequest, parameter: str) -> int:
    try:
        number = int(request.GET.get(parameter) or 1)
    except ValueError:
        number = 0
    if number < 1:
        raise Http404(_("Diese Seite der Liste gibt es nicht."))
    return number


def _section(
    request: HttpRequest, page: selectors.UseCasePage, parameter: str, number: int
) -> Section:
    """The table of one page; a page past the end of the list does not exist."""
    if not page.rows and number > 1:
        raise Http404(_("Diese Seite der Liste gibt es nicht."))
    offset = (number - 1) * MY_USE_CASES_PAGE_SIZE

    def url(target: int) -> str:
        query = request.GET.copy()
        query[parameter] = str(target)
        return f"?{query.urlencode()}"

    return Section(
        entries=page.rows,
        number=number,
        count=page.count,
        previous_url=url(number - 1) if number > 1 else "",
        next_url=url(number + 1) if offset + len(page.rows) < page.count else "",
    )


@require_GET
@login_required_keeping_post
def index(request: HttpRequest) -> HttpResponse:
    """The user's use cases: own departments first, the others they may see below."""
    user = _actor(request)
    own_number = _page_number(request, "seite")
    others_number = _page_number(request, "weitere_seite")
    filter_form = MyUseCasesFilterForm(
        request.GET if request.GET else None, departments=selectors.list_departments_of(user)
    )
    # A field with an error filters nothing and shows its error; the valid ones still apply.
    wanted = filter_form.list_filter()
    mine = selectors.my_use_cases(
        user,
        own_offset=(own_number - 1) * MY_USE_CASES_PAGE_SIZE,
        others_offset=(others_number - 1) * MY_USE_CASES_PAGE_SIZE,
        limit=MY_USE_CASES_PAGE_SIZE,
        wanted=wanted,
    )
    return render(
        request,
        "workspace/index.html",
        {
            "filter_form": filter_form,
            "narrowed": filter_form.narrows,
            "own": _section(request, mine.own, "seite", own_number),
            "others": _section(request, mine.others, "weitere_seite", others_number),
            "awaiting_count": mine.awaiting_count,
            "today": timezone.localdate(),
            "can_create": selectors.departments_creatable_by(user).exists(),
            "heads_departments": mine.heads_departments,
        },
    )


# ---------------------------------------------------------------------------------------------
# The guided form


def _step_reason(step: Step, note: str, *, created: bool = False) -> str:
    if created:
        reason = _("Anwendungsfall angelegt (Schritt „%(step)s“)") % {"step": step.title}
    else:
        reason = _("Schritt „%(step)s“ bearbeitet") % {"step": step.title}
    note = (note or "").strip()
    return f"{reason}: {note}" if note else reason


def _tree_facts(use_case: UseCase) -> Facts:
    """The stored answers as the tree reads them; none yet (or unreadable) is a fresh tree."""
    legal_form = use_case.organisation.legal_form
    record = selectors.classification_of(use_case)
    if record is not None:
        try:
            return parse_facts({**record.facts, "deployer_legal_form": legal_form})
        except FactsError:
            pass
    return parse_facts({"answered": [], "deployer_legal_form": legal_form})


class StepPage:
    """The forms of one step, bound or not, and how their errors map back to fields."""

    def __init__(
        self,
        request: HttpRequest,
        step: Step,
        use_case: UseCase | None,
        data: QueryDict | None = None,
        question: Question | None = None,
        added: dict[str, list[dict[str, str]]] | None = None,
    ) -> None:
        user = _actor(request)
        self.step = step
        self.use_case = use_case
        # The risk step: the tree's path, and the one question it shows (the next unanswered
        # one, or the one asked for to change it); without a question the summary is shown.
        self.tree: tree.Walk | None = None
        self.facts: Facts | None = None
        self.question: Question | None = None
        if step.special == "risk" and use_case is not None:
            self.facts = _tree_facts(use_case)
            self.tree = tree.walk(self.facts)
            self.question = question or self.tree.current
        self.risk_form: RiskQuestionForm | None = None
        if self.question is not None and self.facts is not None:
            self.risk_form = RiskQuestionForm(
                data=data,
                question=self.question,
                initial=RiskQuestionForm.initial_for(self.question, self.facts),
            )
            # The step's own fields are on the summary, not beside a question.
            data = None
        creating = use_case is None
        instance = UseCase() if use_case is None else selectors.use_case_for_form(use_case)
        form_kwargs: dict[str, Any] = {"data": data, "instance": instance}
        if creating:
            form_kwargs["departments"] = selectors.departments_creatable_by(user)
        elif "department" in step.fields:
            form_kwargs["departments"] = selectors.department_choices(user, instance)
        self.form: UseCaseStepForm
        if step.special == "system" and use_case is not None:
            self.form = SystemStepForm(
                ai_systems=selectors.ai_systems_for(user, use_case), **form_kwargs
            )
        else:
            self.form = step_form_class(step)(**form_kwargs)
        if creating and not data:
            departments = list(form_kwargs["departments"][:2])
            if len(departments) == 1:
                self.form.initial["department"] = departments[0].pk
        self.formsets = {
            key: child_formset(
                key,
                [] if use_case is None else selectors.child_rows(use_case, key),
                data=data,
                added=(added or {}).get(key, []),
            )
            for key in step.children
        }

    def is_valid(self) -> bool:
        if self.risk_form is not None:
            return self.risk_form.is_valid()
        valid = self.form.is_valid()
        for formset in self.formsets.values():
            valid = formset.is_valid() and valid
        return valid

    def add_service_errors(
        self, error: ValidationError, child_indices: dict[str, list[int]]
    ) -> None:
        """Put the services' errors beside the fields they name."""
        if self.risk_form is not None:
            for message in error.messages:
                self.risk_form.add_error(None, message)
            return
        if not hasattr(error, "error_dict"):
            self.form.add_error(None, error)
            return
        system_prefix = f"{governance_services.NEW_AI_SYSTEM}-"
        for key, messages_ in error.message_dict.items():
            if key.startswith(system_prefix):
                key = SystemStepForm.error_field(key.removeprefix(system_prefix))
            target = "note" if key == "reason" else key
            if target in self.form.fields:
                self.form.add_error(target, messages_)
                continue
            prefix, _sep, rest = key.partition("-")
            if prefix in self.formsets and rest:
                index_text, _sep, field = rest.partition("-")
                indices = child_indices.get(prefix, [])
                formset = self.formsets[prefix]
                if index_text.isdigit() and int(index_text) < len(indices):
                    form = formset.forms[indices[int(index_text)]]
                    form.add_error(field if field in form.fields else None, messages_)
                    form._mark_errors()
                    continue
            self.form.add_error(None, [f"{key}: {m}" for m in messages_])
        self.form._mark_errors()

    def error_summary(self) -> list[dict[str, str]]:
        """Each error with the id of the field it belongs to, for the summary at the top."""
        entries: list[dict[str, str]] = []
        forms_: list[tuple[forms.BaseForm, str]] = [(self.form, "")]
        for key, formset in self.formsets.items():
            for number, form in enumerate(formset.forms, start=1):
                forms_.append((form, f"{CHILD_ROW_LABELS[key]} {number}: "))
            for message in formset.non_form_errors():
                entries.append(
                    {"id": f"{key}-rows", "label": str(CHILD_TITLES[key]), "message": str(message)}
                )
        if self.risk_form is not None:
            forms_.append((self.risk_form, ""))
        for form, label_prefix in forms_:
            if not form.is_bound:
                continue
            for message in form.non_field_errors():
                entries.append(
                    {"id": "step-form", "label": label_prefix.rstrip(": "), "message": str(message)}
                )
            for name, errors in form.errors.items():
                if name == "__all__":
                    continue
                bound = form[name]
                anchor = bound.auto_id
                if getattr(
                    bound.field.widget, "allow_multiple_selected", False
                ) or bound.widget_type in {
                    "radioselect",
                    "checkboxselectmultiple",
                }:
                    anchor = f"{bound.auto_id}_0"
                for message in errors:
                    entries.append(
                        {
                            "id": anchor,
                            "label": f"{label_prefix}{bound.label}",
                            "message": str(message),
                        }
                    )
        return entries

    def classification(self) -> Any:
        """The classification of the stored answers through the tree (None off the risk step)."""
        if self.facts is None:
            return None
        return classify(self.facts)


def _timeline_rows(classification: Any, on: datetime.date) -> list[dict[str, str]]:
    """Each obligation of a classification with "gilt seit/ab …" on the given day."""
    if classification is None:
        return []
    labels = dict(ObligationItem.Obligation.choices)
    return [
        {
            "obligation": str(labels.get(timing.obligation, timing.obligation)),
            "when": describe(timing.applies_from, timing.source, on),
            "state": timing.state_on(on)[0],
            "source": timing.source,
        }
        for timing in classification.timeline
    ]


def _similar(request: HttpRequest, use_case: UseCase | None, data: Any = None) -> list[Any]:
    user = _actor(request)
    if use_case is not None:
        title, short, purpose = use_case.title, use_case.short_description, use_case.purpose
        technique = use_case.ai_system.technique if use_case.ai_system_id else ""  # type: ignore[union-attr]
    elif data is not None:
        title = data.get("title", "")
        short = data.get("short_description", "")
        purpose = data.get("purpose", "")
        technique = ""
    else:
        return []
    own = set(organisations_where(user).values_list("pk", flat=True))
    if use_case is not None:
        own.add(use_case.organisation_id)
    return similar_published_use_cases(
        title=title,
        short_description=short,
        purpose=purpose,
        technique=technique,
        exclude_organisation_ids=own,
    )


def _render_step(
    request: HttpRequest,
    page: StepPage,
    status: int = 200,
    conflict: ConcurrentChange | None = None,
    version: str | None = None,
) -> HttpResponse:
    use_case = page.use_case
    step = page.step
    show_similar = step.slug in {"grunddaten", "system"}
    classification = page.classification()
    errors = page.error_summary()
    marks = progress.steps_progress(use_case, current=step, current_has_errors=bool(errors))
    context = {
        "page": page,
        "step": step,
        "steps": STEPS,
        "progress": marks,
        "done_count": sum(1 for mark in marks if mark.state == progress.DONE),
        "step_number": STEPS.index(step) + 1,
        "step_count": len(STEPS),
        "previous_step": step_before(step),
        "next_step": step_after(step),
        "use_case": use_case,
        "form": page.form,
        "formsets": [
            {
                "key": key,
                "formset": fs,
                "title": CHILD_TITLES[key],
                "row_label": CHILD_ROW_LABELS[key],
            }
            for key, fs in page.formsets.items()
        ],
        "risk_form": page.risk_form,
        "question_field": (
            page.risk_form[page.question.key]
            if page.risk_form is not None and page.question is not None
            else None
        ),
        "tree": page.tree,
        "question": page.question,
        "question_number": _question_number(page),
        "previous_question": (
            page.tree.previous_of(page.question.key)
            if page.tree is not None and page.question is not None
            else None
        ),
        "classification": classification,
        "undetermined": classification is not None and classification.risk_class == UNDETERMINED,
        "risk_label": _risk_label(classification),
        "risk_timeline": _timeline_rows(classification, timezone.localdate()),
        "errors": errors,
        "similar": _similar(request, use_case, page.form.data if page.form.is_bound else None)
        if show_similar
        else [],
        "action": _form_action(page),
        "in_review": use_case is not None and use_case.workflow_state not in EDITABLE_STATES,
        # The version the person's input is based on: what they loaded (kept across a failed
        # save), or the current one once they were shown what changed meanwhile.
        "version": _base_version(request, use_case, conflict, version),
        "conflict": conflict.changes if conflict else [],
        **_leika_search(request, step),
    }
    return render(request, "workspace/step.html", context, status=status)


def _form_action(page: StepPage) -> str:
    if page.use_case is None:
        return reverse("workspace:create")
    if page.question is not None:
        return reverse("workspace:risk_question", args=[page.use_case.pk, page.question.key])
    return reverse("workspace:step", args=[page.use_case.pk, page.step.slug])


def _question_number(page: StepPage) -> int:
    """The question's place on the path taken so far (1 for the first)."""
    if page.tree is None or page.question is None:
        return 0
    keys = [step.key for step in page.tree.steps]
    key = page.question.key
    return keys.index(key) + 1 if key in keys else len(keys) + 1


def _risk_label(classification: Any) -> str:
    if classification is None:
        return ""
    if classification.risk_class == UNDETERMINED:
        return _("offen – noch nicht eingestuft")
    return str(UseCase.RiskClass(classification.risk_class).label)


def _base_version(
    request: HttpRequest,
    use_case: UseCase | None,
    conflict: ConcurrentChange | None,
    loaded: str | None,
) -> str:
    """The version the page's input is based on: the one the save was refused for (after a
    conflict), the one posted (a failed or kept form), or the one read before the page read the
    use case (`loaded`, see governance.versions)."""
    if use_case is None:
        return ""
    if conflict is not None:
        return conflict.version
    posted = request.POST.get("version", "") if request.method == "POST" else ""
    if posted:
        return posted
    return loaded if loaded is not None else use_case_version(use_case.pk)


def _after_save(request: HttpRequest, use_case: UseCase, step: Step) -> HttpResponse:
    action = request.POST.get("action", "next")
    if action == "save":
        return redirect("workspace:step", use_case.pk, step.slug)
    if action == "back":
        previous = step_before(step)
        if previous is not None:
            return redirect("workspace:step", use_case.pk, previous.slug)
    following = step_after(step)
    if following is None:
        return redirect("workspace:detail", use_case.pk)
    return redirect("workspace:step", use_case.pk, following.slug)


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def create(request: HttpRequest) -> HttpResponse:
    """The first step of a new use case; saving it creates the draft."""
    user = _actor(request)
    if not selectors.departments_creatable_by(user).exists():
        raise PermissionDenied
    if request.method != "POST":
        return _render_step(request, StepPage(request, FIRST_STEP, None))
    page = StepPage(request, FIRST_STEP, None, data=request.POST)
    if not page.is_valid():
        return _render_step(request, page, status=400)
    if is_kept_form(request):
        return _render_step(request, page)
    data = page.form.cleaned_data
    fields = {name: data[name] for name in FIRST_STEP.fields if name != "department"}
    try:
        use_case = services.create_use_case(
            actor=user,
            department=data["department"],
            reason=_step_reason(FIRST_STEP, data.get("note", ""), created=True),
            **fields,
        )
    except ValidationError as exc:
        page.add_service_errors(exc, {})
        return _render_step(request, page, status=400)
    messages.success(request, _("Der Entwurf ist gespeichert."))
    return _after_save(request, use_case, FIRST_STEP)


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def step(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """One step of the guided form for an existing use case."""
    step_ = STEPS_BY_SLUG.get(slug)
    if step_ is None:
        raise Http404
    user = _actor(request)
    # Before the use case is read (governance.versions); shown only once the check passed.
    loaded = use_case_version(pk) if request.method != "POST" else None
    # The request's one permission check; the save takes it instead of asking again.
    use_case, checked = permissions.check_use_case(user, pk, perm=permissions.CHANGE)
    if request.method != "POST":
        added = _chosen_services(request) if "public_services" in step_.children else None
        page = StepPage(request, step_, use_case, added=added)
        return _render_step(request, page, version=loaded)
    page = StepPage(request, step_, use_case, data=request.POST)
    if page.risk_form is not None:
        # The tree is not finished: answers are posted to their question's own page.
        return redirect("workspace:step", use_case.pk, step_.slug)
    if not page.is_valid():
        return _render_step(request, page, status=400)
    if is_kept_form(request):
        return _render_step(request, page)
    form = page.form
    fields = {name: form.cleaned_data[name] for name in form.changed_data if name in step_.fields}
    children: dict[str, list[dict[str, Any]]] = {}
    child_indices: dict[str, list[int]] = {}
    for key, formset in page.formsets.items():
        if formset.has_changed():
            children[key], child_indices[key] = rows_from_formset(formset)
    try:
        changed = governance_services.save_guided_step(
            use_case,
            actor=user,
            reason=_step_reason(step_, form.cleaned_data.get("note", "")),
            fields=fields,
            children=children,
            new_ai_system=form.new_system_fields() if isinstance(form, SystemStepForm) else None,
            expected_version=request.POST.get("version"),
            checked=checked,
        )
    except ConcurrentChange as conflict:
        return _render_step(request, page, status=409, conflict=conflict)
    except ValidationError as exc:
        page.add_service_errors(exc, child_indices)
        return _render_step(request, page, status=400)
    if changed:
        messages.success(request, _("Ihre Angaben sind gespeichert."))
    else:
        messages.info(request, _("Keine Änderungen – es war nichts zu speichern."))
    return _after_save(request, use_case, step_)


def _chosen_services(request: HttpRequest) -> dict[str, list[dict[str, str]]]:
    """The service taken from the catalogue search (`?leika=KEY`), as a row not yet saved."""
    key = request.GET.get("leika", "")
    name = leika.names_of([key]).get(key) if key else None
    if name is None:
        if key:
            messages.error(request, _("Diese Leistung steht nicht im Leistungskatalog."))
        return {}
    messages.info(
        request,
        _("„%(name)s“ ist eingetragen, aber noch nicht gespeichert.") % {"name": name},
    )
    return {"public_services": [{"leika_key": key, "name": name}]}


def _leika_search(request: HttpRequest, step: Step) -> dict[str, Any]:
    """The catalogue search of the step where services are entered (GET, works without JS)."""
    if "public_services" not in step.children:
        return {}
    query = request.GET.get("leika_suche", "").strip()[:100]
    return {
        "leika_search": True,
        "leika_query": query,
        "leika_results": leika.search(query) if query else [],
        "leika_edition": leika.catalogue_edition(),
    }


RISK_STEP: Final[Step] = next(s for s in STEPS if s.special == "risk")


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def risk_question(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """One question of the risk step's decision tree: shown, answered, or changed."""
    node = tree.NODES_BY_KEY.get(key)
    if node is None:
        raise Http404
    user = _actor(request)
    loaded = use_case_version(pk) if request.method != "POST" else None
    use_case, checked = permissions.check_use_case(user, pk, perm=permissions.CHANGE)
    question = tree.QUESTIONS_BY_KEY[key]
    page = StepPage(request, RISK_STEP, use_case, question=question)
    assert page.tree is not None and page.facts is not None
    if not page.tree.on_path(key):
        # Earlier answers made the question irrelevant (or it is not reached yet).
        messages.info(request, _("Diese Frage spielt nach Ihren bisherigen Antworten keine Rolle."))
        return redirect("workspace:step", use_case.pk, RISK_STEP.slug)
    if request.method != "POST":
        return _render_step(request, page, version=loaded)
    page = StepPage(request, RISK_STEP, use_case, data=request.POST, question=question)
    assert page.risk_form is not None and page.facts is not None
    if not page.is_valid():
        return _render_step(request, page, status=400)
    if is_kept_form(request):
        return _render_step(request, page)
    value, unknown = page.risk_form.answer()
    try:
        changed = governance_services.save_guided_step(
            use_case,
            actor=user,
            reason=_step_reason(RISK_STEP, page.risk_form.cleaned_data.get("note", "")),
            fields={},
            facts=tree.answer(page.facts, key, value, unknown=unknown),
            expected_version=request.POST.get("version"),
            checked=checked,
        )
    except ConcurrentChange as conflict:
        return _render_step(request, page, status=409, conflict=conflict)
    except ValidationError as exc:
        page.add_service_errors(exc, {})
        return _render_step(request, page, status=400)
    if changed:
        messages.success(request, _("Ihre Antwort ist gespeichert."))
    return redirect("workspace:step", use_case.pk, RISK_STEP.slug)


# ---------------------------------------------------------------------------------------------
# Overview, summary and submission


def _summary_groups(use_case: UseCase) -> list[dict[str, Any]]:
    groups = []
    for step_ in STEPS:
        rows = [versions.field_row(use_case, name) for name in step_.fields]
        children = [
            {
                "title": CHILD_TITLES[key],
                "rows": [str(row) for row in selectors.child_rows(use_case, key)],
            }
            for key in step_.children
        ]
        groups.append({"step": step_, "rows": rows, "children": children})
    return groups


@require_GET
@login_required_keeping_post
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The summary of a use case: all answers by step, its review state, and submitting."""
    user = _actor(request)
    use_case = permissions.access_use_case(user, pk)
    return _render_detail(request, use_case, SubmitForm())


def _render_detail(
    request: HttpRequest, use_case: UseCase, submit_form: SubmitForm, status: int = 200
) -> HttpResponse:
    user = _actor(request)
    use_case = selectors.use_case_for_summary(use_case)
    can_change = permissions.user_has_perm(user, use_case, permissions.CHANGE)
    can_submit = use_case.workflow_state in EDITABLE_STATES and governance_permissions.can_submit(
        user, use_case
    )
    obligations = list(governance_selectors.obligation_items_of(use_case))
    classification = selectors.classification_of(use_case)
    classification_open = classification is not None and (classification.risk_class == UNDETERMINED)
    if classification_open:
        # Until the open questions are answered no AI Act duty is a verdict (obligation_sync).
        obligations = [item for item in obligations if item.obligation in USE_CASE_OWN]
    art_4_applies = classification is not None and "art_4_ai_literacy" in (
        classification.obligations or []
    )
    sign_off_roles = [
        str(dict(Membership.Role.choices)[role]) for role in required_sign_off_roles(use_case)
    ]
    context = {
        "use_case": use_case,
        "groups": _summary_groups(use_case),
        "can_change": can_change,
        "can_submit": can_submit,
        "can_view_history": permissions.user_has_perm(user, use_case, permissions.VIEW_HISTORY),
        "submit_form": submit_form,
        "missing": progress.submission_gaps(progress.read(use_case)) if can_submit else [],
        "obligations": obligations,
        "classification": classification,
        "classification_open": classification_open,
        "art_4_applies": art_4_applies,
        "art_4_since": describe(
            APPLICATION_DATES["chapter_i_ii"].applies_from, "", timezone.localdate()
        ),
        "ai_literacy_latest": (
            governance_selectors.ai_literacy_measures_of(use_case.organisation).first()
            if art_4_applies
            else None
        ),
        "sign_off_roles": sign_off_roles,
        "sign_off_pending_roles": selectors.pending_sign_off_roles(user, use_case),
        "sign_offs": selectors.sign_offs_of(use_case, limit=20),
        "similar": _similar(request, use_case) if can_change else [],
        "steps": STEPS,
    }
    return render(request, "workspace/detail.html", context, status=status)


@require_http_methods(["POST"])
@login_required_keeping_post
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the use case in for review."""
    user = _actor(request)
    use_case = permissions.access_use_case(user, pk)
    form = SubmitForm(data=request.POST)
    if not form.is_valid():
        return _render_detail(request, use_case, form, status=400)
    if is_kept_form(request):
        return _render_detail(request, use_case, form)
    try:
        governance_services.submit_use_case(use_case, actor=user, note=form.cleaned_data["note"])
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
        return _render_detail(request, use_case, form, status=400)
    messages.success(
        request,
        _("Der Anwendungsfall ist eingereicht. Die Prüfenden werden benachrichtigt."),
    )
    return redirect("workspace:detail", use_case.pk)


# ---------------------------------------------------------------------------------------------
# Versions


@require_GET
@login_required_keeping_post
def history(request: HttpRequest, pk: int) -> HttpResponse:
    """The versions of a use case, and two of them side by side."""
    user = _actor(request)
    use_case = permissions.access_use_case(user, pk, perm=permissions.VIEW_HISTORY)
    records = list(versions.history_of(use_case))
    comparison = None
    if len(records) >= 2:
        by_id = {str(r.history_id): r for r in records}
        older = by_id.get(request.GET.get("a", "")) or records[1]
        newer = by_id.get(request.GET.get("b", "")) or records[0]
        if older.history_date > newer.history_date:
            older, newer = newer, older
        comparison = versions.compare(use_case, records, older, newer)
    return render(
        request,
        "workspace/history.html",
        {
            "use_case": use_case,
            "records": records,
            "comparison": comparison,
            # Only what changed, unless the reader asks for every field (no script needed).
            "show_all": request.GET.get("alle") == "1",
        },
    )


# ---------------------------------------------------------------------------------------------
# Reviewers


@require_GET
@login_required_keeping_post
def inbox(request: HttpRequest) -> HttpResponse:
    """Use cases waiting for the user's sign-off."""
    inbox_ = selectors.inbox_of(_actor(request))
    return render(
        request,
        "workspace/inbox.html",
        {"use_cases": inbox_.use_cases, "rows": inbox_.rows, "is_reviewer": inbox_.is_reviewer},
    )


def _focused_groups(groups: list[Any], focus: tuple[str, ...]) -> dict[str, list[Any]]:
    """The summary's groups split into the ones a reviewer reads first (in `focus` order) and
    the rest (in the form's order)."""
    by_slug = {group["step"].slug: group for group in groups}
    first = [by_slug[slug] for slug in focus if slug in by_slug]
    return {"focus_groups": first, "other_groups": [g for g in groups if g not in first]}


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def sign_off(request: HttpRequest, pk: int, role: str) -> HttpResponse:
    """A reviewer agrees or objects, in one of their roles."""
    user = _actor(request)
    use_case = permissions.access_use_case(user, pk)
    if role not in REVIEWER_ROLES or not governance_permissions.can_sign_off(user, use_case, role):
        raise PermissionDenied
    form = SignOffForm(data=request.POST if request.method == "POST" else None)
    status = 200
    if is_kept_form(request):
        status = 200 if form.is_valid() else 400
    elif request.method == "POST":
        if form.is_valid():
            try:
                governance_services.sign_off_use_case(
                    use_case,
                    actor=user,
                    role=role,
                    verdict=form.cleaned_data["verdict"],
                    reason=form.cleaned_data["reason"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for key, messages_ in exc.message_dict.items():
                        form.add_error(key if key in form.fields else None, messages_)
                else:
                    form.add_error(None, exc.messages)
                form._mark_errors()
            else:
                messages.success(request, _("Ihr Votum ist gespeichert."))
                return redirect("workspace:inbox")
        status = 400
    use_case = selectors.use_case_for_summary(use_case)
    return render(
        request,
        "workspace/sign_off.html",
        {
            "use_case": use_case,
            "form": form,
            "role_label": dict(Membership.Role.choices)[role],
            "role": role,
            "pending": role in selectors.pending_sign_off_roles(user, use_case),
            # The groups the role reads first (governance.workflow.SIGN_OFF_FOCUS), then the rest.
            **_focused_groups(_summary_groups(use_case), SIGN_OFF_FOCUS.get(role, ())),
            "classification": selectors.classification_of(use_case),
            # What the submitter asked the reviewers to look at, read before the record.
            "submission": governance_selectors.current_submission(use_case),
            "errors": [
                {
                    "id": form[name].auto_id + ("_0" if name == "verdict" else ""),
                    "label": form[name].label,
                    "message": m,
                }
                for name, errs in form.errors.items()
                if name != "__all__"
                for m in errs
            ],
        },
        status=status,
    )
