"""The board's admin for use cases, with the review workflow: decisions, sign-offs, obligations.

The one admin of use cases: its changes go through governance.services.change_use_case, so a
substantive change of an approved use case goes back to review; it adds the decision form and
the governance records as read-only lists.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import ForeignKey, QuerySet
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
    JsonResponse,
)
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin_history import LabelledHistoryAdmin
from accounts.admin_scope import (
    OrganisationScopedAdminMixin,
    acting_user,
    board_organisations,
    readable_organisations,
)
from accounts.models import Membership, Organisation
from accounts.roles import role_holders
from governance import selectors, services, versions, workflow
from governance.models import (
    AiLiteracyMeasure,
    Decision,
    ObligationItem,
    RiskClassification,
    SignOff,
    TransparencyReport,
)
from governance.reports import services as report_services
from registry import permissions as registry_permissions
from registry import services as registry_services
from registry.admin import (
    CHILD_INLINE_KEYS,
    AccessGrantInline,
    DataSourceInline,
    LegalBasisInline,
    PublicServiceInline,
    ReviewDueFilter,
    UseCaseAdminForm,
    WithheldFieldInline,
    formset_rows,
)
from registry.field_groups import DERIVED_FIELDS, admin_fieldsets
from registry.models import AccessGrant, AISystem, PublishedUseCase, UseCase


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Entscheidung"), choices=Decision.Outcome.choices, widget=forms.RadioSelect
    )
    rationale = forms.CharField(
        label=_("Begründung"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Wird mit der Entscheidung gespeichert und den Beteiligten mitgeteilt."),
    )


class TransitionForm(forms.Form):
    """The one text a workflow step records: a reason, a note or the review's result."""

    text = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, step: "AdminStep", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.step = step
        field = self.fields["text"]
        field.label = step.text_label
        field.help_text = step.help_text
        field.required = step.text_required

    def arguments(self) -> dict[str, Any]:
        """The keyword arguments of the step's service."""
        return {self.step.text_argument: self.cleaned_data["text"]}


class ReviewScheduleForm(TransitionForm):
    """The board's new review date, and optionally a new interval, with the reason."""

    field_order = ("next_review_date", "review_interval_months", "text")

    next_review_date = forms.DateField(
        label=_("nächste Überprüfung"), widget=forms.DateInput(attrs={"type": "date"})
    )
    review_interval_months = forms.IntegerField(
        label=_("Überprüfungsintervall (Monate)"),
        min_value=1,
        max_value=120,
        required=False,
        help_text=_("Leer: das Intervall bleibt, wie es ist."),
    )

    def arguments(self) -> dict[str, Any]:
        return {
            **super().arguments(),
            "next_review_date": self.cleaned_data["next_review_date"],
            "review_interval_months": self.cleaned_data["review_interval_months"],
        }


@dataclass(frozen=True)
class AdminStep:
    """A transition of the workflow table the board takes in the admin, and its form's text."""

    slug: str
    transition: workflow.Transition
    text_label: Any
    text_argument: str
    done: Any
    help_text: Any = ""
    text_required: bool = True
    form_class: type[TransitionForm] = TransitionForm

    @property
    def label(self) -> Any:
        return self.transition.label

    @property
    def states(self) -> tuple[str, ...]:
        return self.transition.sources

    @property
    def run(self) -> Callable[..., Any]:
        return services.service_of(self.transition)


TRANSITIONS: dict[str, AdminStep] = {
    step.slug: step
    for step in (
        AdminStep(
            slug="einreichen",
            transition=workflow.TRANSITIONS["submit"],
            text_label=_("Anmerkung zur Einreichung"),
            text_argument="note",
            done=_("Der Anwendungsfall ist zur Prüfung eingereicht."),
            help_text=_("Freiwillig; die Prüfenden sehen sie mit der Einreichung."),
            text_required=False,
        ),
        AdminStep(
            slug="in-betrieb",
            transition=workflow.TRANSITIONS["put_into_operation"],
            text_label=_("Grund"),
            text_argument="reason",
            done=_("Der Anwendungsfall ist in Betrieb."),
            help_text=_("Wird in der Historie gespeichert."),
        ),
        AdminStep(
            slug="ueberpruefung",
            transition=workflow.TRANSITIONS["record_periodic_review"],
            text_label=_("Ergebnis der Überprüfung"),
            text_argument="note",
            done=_("Die Überprüfung ist festgehalten; die nächste ist terminiert."),
            help_text=_(
                "Für eine Überprüfung ohne wesentliche Änderung; eine Änderung des "
                "Anwendungsfalls geht dagegen erneut in die Prüfung."
            ),
        ),
        AdminStep(
            slug="ueberpruefung-terminieren",
            transition=workflow.TRANSITIONS["reschedule_review"],
            text_label=_("Grund"),
            text_argument="reason",
            done=_("Die nächste Überprüfung ist terminiert."),
            help_text=_("Wird in der Historie gespeichert, z. B. „vorgezogen wegen Beschwerde“."),
            form_class=ReviewScheduleForm,
        ),
        AdminStep(
            slug="aussetzen",
            transition=workflow.TRANSITIONS["suspend"],
            text_label=_("Grund"),
            text_argument="reason",
            done=_("Der Einsatz ist ausgesetzt; die Überprüfung ist jetzt fällig."),
            help_text=_(
                "Z. B. der schwerwiegende Vorfall, der die Aussetzung verlangt "
                "(Art. 26 Abs. 5 KI-VO)."
            ),
        ),
        AdminStep(
            slug="fortsetzen",
            transition=workflow.TRANSITIONS["resume"],
            text_label=_("Grund"),
            text_argument="reason",
            done=_("Der Einsatz läuft wieder."),
            help_text=_("Wird in der Historie und im öffentlichen Änderungsprotokoll gezeigt."),
        ),
        AdminStep(
            slug="ausser-betrieb",
            transition=workflow.TRANSITIONS["retire"],
            text_label=_("Grund"),
            text_argument="reason",
            done=_("Der Anwendungsfall ist außer Betrieb."),
            help_text=_("Wird in der Historie und im öffentlichen Änderungsprotokoll gezeigt."),
        ),
    )
}


class ObligationForm(forms.ModelForm[ObligationItem]):
    class Meta:
        model = ObligationItem
        fields = ["status", "reason", "evidence_url", "evidence_date"]
        widgets = {
            "reason": forms.Textarea(attrs={"rows": 3}),
            "evidence_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }


def _form_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's validation errors on the form's fields, or above the form."""
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _obligation_state(item: ObligationItem) -> str:
    """The item's status, and whether its evidence waits for the board's confirmation."""
    if item.status == ObligationItem.Status.OPEN and item.evidence_date and not item.confirmed_at:
        return gettext("offen – Nachweis liegt vor, Bestätigung durch das KI-Gremium ausstehend")
    return str(item.get_status_display())


def _table(headers: list[str], rows: list[tuple[Any, ...]], empty: str) -> SafeString:
    if not rows:
        return format_html("<p>{}</p>", empty)
    head = format_html_join("", '<th scope="col">{}</th>', ((h,) for h in headers))
    body = format_html_join(
        "",
        "<tr>{}</tr>",
        ((format_html_join("", "<td>{}</td>", ((cell,) for cell in row)),) for row in rows),
    )
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


def _when(value: Any) -> str:
    return value.strftime("%d.%m.%Y %H:%M") if value else ""


@admin.register(UseCase)
class UseCaseAdmin(OrganisationScopedAdminMixin, LabelledHistoryAdmin):
    """The board's use case admin with the review workflow; changes go through governance."""

    form = UseCaseAdminForm

    # The version covers what the change form edits with the use case: its inlines (child
    # rows, access grants) and the questionnaire, as in the guided form.
    def loaded_version(self, obj: Any) -> str | None:
        return versions.use_case_version(obj.pk)

    def changes_since(self, obj: Any, version: str) -> list[str]:
        return [
            gettext("%(when)s – %(who)s: %(what)s")
            % {
                "when": date_format(change.when, "SHORT_DATETIME_FORMAT"),
                "who": change.who,
                "what": change.what,
            }
            for change in versions.changes_since(obj.pk, version)
        ]

    change_form_template = "admin/governance/usecase/change_form.html"
    list_display = (
        "title",
        "department",
        "status",
        "workflow_state",
        "risk_class",
        "next_review_date",
        "is_published",
    )
    list_filter = (
        "status",
        "workflow_state",
        "risk_class",
        ReviewDueFilter,
        ("department", admin.RelatedOnlyFieldListFilter),
        ("organisation", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("title", "short_description", "purpose")
    list_select_related = ("department", "organisation")
    governance_fields = (
        "stored_classification",
        "obligation_list",
        "sign_off_list",
        "decision_list",
    )
    # Set by the workflow's steps and the questionnaire, never typed (DERIVED_FIELDS).
    readonly_fields = (
        *sorted(DERIVED_FIELDS),
        "created_at",
        "updated_at",
        *governance_fields,
    )
    inlines = (
        LegalBasisInline,
        DataSourceInline,
        PublicServiceInline,
        WithheldFieldInline,
        AccessGrantInline,
    )
    object_history_template = "admin/registry/usecase/object_history.html"
    # The groups of registry/field_groups.py, then the reason for the change being saved.
    fieldsets = (
        *admin_fieldsets(),
        (_("Änderung"), {"fields": ("change_reason", "created_at", "updated_at")}),
    )

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        return obj is None or registry_permissions.user_has_perm(
            acting_user(request), obj, registry_permissions.CHANGE
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not super().has_delete_permission(request, obj):
            return False
        if obj is None:
            return True
        # A use case with a governance record is retired, never deleted.
        return registry_permissions.user_has_perm(
            acting_user(request), obj, registry_permissions.DELETE
        ) and not services.has_governance_record(obj)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "department":
            kwargs["queryset"] = (
                registry_permissions.departments_creatable_by(acting_user(request))
                .filter(organisation__in=board_organisations(request))
                .select_related("organisation")
            )
        if db_field.name == "ai_system":
            kwargs["queryset"] = AISystem.objects.filter(
                organisation__in=board_organisations(request)
            )
        field: forms.ModelChoiceField[Any] | None = super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )
        return field

    def save_model(
        self, request: HttpRequest, obj: UseCase, form: forms.ModelForm[UseCase], change: bool
    ) -> None:
        if change:
            return  # saved in save_related, together with its child rows, as one change
        editable = registry_services.EDITABLE_USE_CASE_FIELDS | {"department"}
        fields = {n: form.cleaned_data[n] for n in form.cleaned_data if n in editable}
        department = fields.pop("department")
        created = registry_services.create_use_case(
            actor=acting_user(request),
            department=department,
            reason=form.cleaned_data["change_reason"],
            **fields,
        )
        obj.pk = created.pk
        obj._state.adding = False

    def save_formset(
        self, request: HttpRequest, form: forms.ModelForm[UseCase], formset: Any, change: bool
    ) -> None:
        if change:
            return  # saved in save_related
        use_case = form.instance
        reason = form.cleaned_data["change_reason"]
        # The admin's change message reads these; the services, not formset.save(), write.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if formset.model is AccessGrant:
            self._save_access_grants(request, use_case, formset)
            return
        registry_services.set_use_case_children(
            UseCase.objects.get(pk=use_case.pk),
            actor=acting_user(request),
            reason=reason,
            key=CHILD_INLINE_KEYS[formset.model],
            rows=formset_rows(formset),
        )

    def save_related(
        self, request: HttpRequest, form: forms.ModelForm[UseCase], formsets: Any, change: bool
    ) -> None:
        if not change:
            super().save_related(request, form, formsets, change)
            return
        actor = acting_user(request)
        editable = registry_services.EDITABLE_USE_CASE_FIELDS | {"department"}
        fields = {n: form.cleaned_data[n] for n in form.changed_data if n in editable}
        children: dict[str, list[dict[str, Any]]] = {}
        grant_formsets = []
        for formset in formsets:
            # The admin's change message reads these; the services, not formset.save(), write.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            if formset.model is AccessGrant:
                grant_formsets.append(formset)
            elif formset.model in CHILD_INLINE_KEYS and formset.has_changed():
                children[CHILD_INLINE_KEYS[formset.model]] = formset_rows(formset)
        use_case = UseCase.objects.get(pk=form.instance.pk)
        state_before = use_case.workflow_state
        services.change_use_case(
            use_case,
            actor=actor,
            reason=form.cleaned_data["change_reason"],
            children=children,
            **fields,
        )
        for formset in grant_formsets:
            self._save_access_grants(request, use_case, formset)
        if use_case.workflow_state != state_before:
            messages.warning(
                request,
                gettext(
                    "Wesentliche Änderung: Der Anwendungsfall geht erneut in die Prüfung "
                    "und braucht neue Voten und eine neue Entscheidung."
                ),
            )

    def _save_access_grants(self, request: HttpRequest, use_case: UseCase, formset: Any) -> None:
        for child_form in formset.deleted_forms:
            if child_form.instance.pk is not None:
                registry_services.revoke_use_case_access(
                    child_form.instance,
                    actor=acting_user(request),
                    reason=gettext("Einzelberechtigung entzogen"),
                )
        for child_form in formset.forms:
            if child_form in formset.deleted_forms or child_form.instance.pk is not None:
                continue
            if not child_form.has_changed():
                continue
            data = child_form.cleaned_data
            registry_services.grant_use_case_access(
                use_case,
                actor=acting_user(request),
                user=data["user"],
                permission=data["permission"],
                reason=data["reason"],
            )

    def delete_model(self, request: HttpRequest, obj: UseCase) -> None:
        services.delete_use_case(
            obj, actor=acting_user(request), reason=gettext("im Admin gelöscht")
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[UseCase]) -> None:
        for use_case in queryset:
            try:
                self.delete_model(request, use_case)
            except ValidationError as exc:
                self.message_user(request, f"{use_case}: {' '.join(exc.messages)}", messages.ERROR)

    def history_view(
        self, request: HttpRequest, object_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self._check_history_access(request, object_id)
        context = {"child_history": self._child_history(object_id), **(extra_context or {})}
        response: HttpResponse = super().history_view(request, object_id, context)
        return response

    def _child_history(self, object_id: str) -> list[Any]:
        """The newest changes of the rows that belong to the use case, across their kinds."""
        records: list[Any] = []
        for model in (*CHILD_INLINE_KEYS, AccessGrant, PublishedUseCase):
            history = model.history  # type: ignore[attr-defined]
            rows = history.filter(use_case_id=object_id).select_related("history_user")
            for record in rows.order_by("-history_date")[:100]:
                record.kind = model._meta.verbose_name
                records.append(record)
        records.sort(key=lambda record: record.history_date, reverse=True)
        return records[:100]

    def history_form_view(
        self, request: HttpRequest, object_id: str, version_id: str, extra_context: Any = None
    ) -> HttpResponse:
        self._check_history_access(request, object_id)
        response: HttpResponse = super().history_form_view(
            request, object_id, version_id, extra_context
        )
        return response

    def _check_history_access(self, request: HttpRequest, object_id: str) -> None:
        """History of live and deleted use cases: for the board and auditors of its organisation."""
        try:
            latest = UseCase.history.filter(id=object_id).latest("history_date")
        except (UseCase.history.model.DoesNotExist, ValueError) as exc:
            raise Http404 from exc
        if not readable_organisations(request).filter(pk=latest.organisation_id).exists():
            raise Http404

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = list(super().get_fieldsets(request, obj))
        if obj is None:
            return fieldsets
        return [*fieldsets, (_("Governance"), {"fields": self.governance_fields})]

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/entscheiden/",
                self.admin_site.admin_view(self.decide_view),
                name="{}_{}_decide".format(*info),
            ),
            path(
                "<path:object_id>/schritt/<slug:step>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            ),
            path(
                "<path:object_id>/pflichten/<id:item_id>/",
                self.admin_site.admin_view(self.obligation_view),
                name="{}_{}_obligation".format(*info),
            ),
            *super().get_urls(),
        ]

    # -- read-only governance records --------------------------------------------------------

    @admin.display(description=_("Risikoeinstufung (Fragebogen)"))
    def stored_classification(self, obj: UseCase) -> SafeString:
        record = (
            RiskClassification.objects.filter(use_case=obj).select_related("classified_by").first()
        )
        if record is None:
            return format_html(
                "<p>{}</p>", gettext("Der Risikofragebogen ist noch nicht beantwortet.")
            )
        answers = [
            (name, ", ".join(value) if isinstance(value, list) else value)
            for name, value in record.facts.items()
            # Which questions the tree asked is bookkeeping; "unknown" names the open ones.
            if name != "answered" and value not in (False, None, [], "")
        ]
        return format_html(
            "<p><strong>{}</strong> ({} {}, {} {} {})</p><ul>{}</ul><p>{}</p><ul>{}</ul>",
            record.get_risk_class_display(),
            gettext("Regelwerk"),
            record.rule_set_version,
            record.classified_by,
            gettext("am"),
            _when(record.classified_at),
            format_html_join(
                "", "<li>{}: {}</li>", ((r["article"], r["text"]) for r in record.reasons)
            ),
            gettext("Antworten:"),
            format_html_join("", "<li>{}: {}</li>", answers),
        )

    @admin.display(description=_("Pflichten"))
    def obligation_list(self, obj: UseCase) -> SafeString:
        items = selectors.obligation_items_of(obj)
        stale = format_html_join(
            "",
            '<p class="errornote">{}</p>',
            (
                (
                    gettext(
                        "%(label)s vom %(date)s ist älter als die letzte wesentliche Änderung "
                        "am %(changed)s."
                    )
                    % {
                        "label": s.label,
                        "date": date_format(s.evidence_date, "SHORT_DATE_FORMAT"),
                        "changed": date_format(s.changed_on, "SHORT_DATE_FORMAT"),
                    },
                )
                for s in services.stale_evidence(obj)
            ),
        )
        return stale + _table(
            [
                gettext("Pflicht"),
                gettext("Stand"),
                gettext("Begründung"),
                gettext("Nachweis"),
                gettext("bearbeitet"),
            ],
            [
                (
                    format_html(
                        '<a href="{}">{}</a>',
                        reverse("admin:registry_usecase_obligation", args=[obj.pk, item.pk]),
                        item.get_obligation_display(),
                    ),
                    _obligation_state(item),
                    item.reason,
                    item.evidence_url,
                    f"{item.updated_by or ''} {_when(item.updated_at)}".strip(),
                )
                for item in items
            ],
            gettext("Keine Pflichten erfasst."),
        )

    @admin.display(description=_("Voten"))
    def sign_off_list(self, obj: UseCase) -> SafeString:
        required = ", ".join(
            workflow.reviewer_label(r) for r in workflow.required_sign_off_roles(obj)
        )
        sign_offs = SignOff.objects.filter(use_case=obj).select_related("signed_by", "submission")
        table = _table(
            [
                gettext("Einreichung"),
                gettext("Rolle"),
                gettext("Votum"),
                gettext("Begründung"),
                gettext("von"),
            ],
            [
                (
                    _when(s.submission.submitted_at),
                    s.get_role_display(),
                    s.get_verdict_display(),
                    s.reason,
                    f"{s.signed_by} {_when(s.signed_at)}",
                )
                for s in sign_offs
            ],
            gettext("Noch keine Voten."),
        )
        return format_html("<p>{} {}</p>{}", gettext("Erforderlich:"), required, table)

    @admin.display(description=_("Entscheidungen"))
    def decision_list(self, obj: UseCase) -> SafeString:
        decisions = Decision.objects.filter(use_case=obj).select_related("decided_by")
        return _table(
            [gettext("Datum"), gettext("Entscheidung"), gettext("Begründung"), gettext("von")],
            [
                (_when(d.decided_at), d.get_outcome_display(), d.rationale, d.decided_by)
                for d in decisions
            ],
            gettext("Noch keine Entscheidungen."),
        )

    # -- the decision ------------------------------------------------------------------------

    def decide_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """The board's decision on the current review round of one use case."""
        obj = self.get_object(request, object_id)
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        form = DecisionForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                services.decide_use_case(
                    obj,
                    actor=acting_user(request),
                    outcome=form.cleaned_data["outcome"],
                    rationale=form.cleaned_data["rationale"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(
                    None, str(exc) or gettext("Diese Entscheidung steht Ihnen nicht zu.")
                )
            else:
                messages.success(request, gettext("Die Entscheidung ist gespeichert."))
                return HttpResponseRedirect(reverse("admin:registry_usecase_change", args=[obj.pk]))
        submission = selectors.current_submission(obj)
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Entscheidung: %s") % obj,
            "opts": self.opts,
            "original": obj,
            "form": form,
            "submission": submission,
            # Who submitted does not decide (services refuse it): say so instead of a form.
            "own_submission": submission is not None
            and submission.submitted_by_id == acting_user(request).pk,
            "other_deciders": [
                member
                for member in role_holders(obj.organisation_id, Membership.Role.BOARD)
                if submission is None or member.pk != submission.submitted_by_id
            ],
            "in_review": obj.workflow_state in workflow.REVIEW_STATES,
            "sign_offs": list(submission.sign_offs.select_related("signed_by"))
            if submission
            else [],
            "missing": [
                workflow.reviewer_label(role)
                for role in services.missing_sign_offs(obj, submission)
            ],
            "open_obligations": [
                item
                for item in selectors.obligation_items_of(obj)
                if item.status == ObligationItem.Status.OPEN
            ],
            "stale_evidence": services.stale_evidence(obj),
        }
        return TemplateResponse(request, "admin/governance/usecase/decide.html", context)

    def _changeable(self, request: HttpRequest, object_id: str) -> UseCase:
        """The use case if it is in the board's organisations (404 otherwise) and changeable."""
        obj: UseCase | None = self.get_object(request, object_id)
        if obj is None:
            raise Http404
        if not self.has_change_permission(request, obj):
            raise PermissionDenied
        return obj

    def _page(
        self, request: HttpRequest, obj: UseCase, title: str, **context: Any
    ) -> TemplateResponse:
        return TemplateResponse(
            request,
            "admin/governance/usecase/step.html",
            {
                **self.admin_site.each_context(request),
                "title": title,
                "opts": self.opts,
                "original": obj,
                **context,
            },
        )

    def transition_view(self, request: HttpRequest, object_id: str, step: str) -> HttpResponse:
        """Submit, put into operation, confirm a periodic review or retire one use case."""
        transition = TRANSITIONS.get(step)
        if transition is None:
            raise Http404
        obj = self._changeable(request, object_id)
        possible = obj.workflow_state in transition.states
        form = transition.form_class(request.POST or None, step=transition)
        if request.method == "POST" and possible and form.is_valid():
            try:
                transition.run(obj, actor=acting_user(request), **form.arguments())
            except ValidationError as exc:
                _form_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or gettext("Dieser Schritt steht Ihnen nicht zu."))
            else:
                messages.success(request, str(transition.done))
                return HttpResponseRedirect(reverse("admin:registry_usecase_change", args=[obj.pk]))
        return self._page(
            request,
            obj,
            f"{transition.label}: {obj}",
            form=form,
            step_label=transition.label,
            possible=possible,
        )

    def obligation_view(self, request: HttpRequest, object_id: str, item_id: int) -> HttpResponse:
        """Mark one obligation of the use case done (with evidence), open or not applicable."""
        obj = self._changeable(request, object_id)
        try:
            item = selectors.obligation_items_of(obj).get(pk=item_id)
        except ObligationItem.DoesNotExist as exc:
            raise Http404 from exc
        form = ObligationForm(request.POST or None, instance=item)
        if request.method == "POST" and form.is_valid():
            try:
                services.update_obligation(
                    ObligationItem.objects.get(pk=item.pk),
                    actor=acting_user(request),
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                    evidence_url=form.cleaned_data["evidence_url"],
                    evidence_date=form.cleaned_data["evidence_date"],
                )
            except ValidationError as exc:
                _form_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, gettext("Die Pflicht ist aktualisiert."))
                return HttpResponseRedirect(reverse("admin:registry_usecase_change", args=[obj.pk]))
        return self._page(
            request,
            obj,
            gettext("Pflicht: %(obligation)s") % {"obligation": item.get_obligation_display()},
            form=form,
            step_label=gettext("Pflicht speichern"),
            possible=True,
        )

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> Any:
        if obj is not None:
            context["transitions"] = [
                step for step in TRANSITIONS.values() if obj.workflow_state in step.states
            ]
            context["can_decide"] = workflow.TRANSITIONS["decide"].allowed_from(obj.workflow_state)
        return super().render_change_form(request, context, add, change, form_url, obj)


# -- transparency reports: the board requests, watches, publishes and withdraws them ------------


class ReportRequestForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label=_("Organisation"), queryset=Organisation.objects.none()
    )
    year = forms.IntegerField(
        label=_("Jahr"),
        required=False,
        help_text=_("Ein Kalenderjahr, z. B. 2025. Oder stattdessen Beginn und Ende angeben."),
    )
    period_start = forms.DateField(
        label=_("Zeitraum von"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    period_end = forms.DateField(
        label=_("Zeitraum bis"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args: Any, organisations: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["organisation"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = organisations
        if organisations.count() == 1:
            field.initial = organisations.first()
        # The report a board asks for most: the last full calendar year.
        self.fields["year"].initial = timezone.localdate().year - 1


@admin.register(TransparencyReport)
class TransparencyReportAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin[TransparencyReport]):
    """The board's reports; every write goes through governance.reports.services."""

    change_form_template = "governance/reports/admin_change_form.html"
    list_display = (
        "__str__",
        "status",
        "progress_display",
        "is_published",
        "published_at",
        "created_at",
        "downloads",
    )
    list_filter = ("status", "is_published", ("organisation", admin.RelatedOnlyFieldListFilter))
    list_select_related = ("organisation",)
    fields = (
        "organisation",
        "period_start",
        "period_end",
        "status",
        "progress_display",
        "error",
        "requested_by",
        "created_at",
        "started_at",
        "finished_at",
        "is_published",
        "published_at",
        "published_by",
        "withdrawn_at",
        "withdrawn_by",
        "downloads",
    )
    readonly_fields = fields
    actions = ("publish_reports", "withdraw_reports", "request_again")

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        # A report is a record of what was said in public: it is withdrawn, never deleted.
        return False

    def get_urls(self) -> list[Any]:
        info = self.opts.app_label, self.opts.model_name
        return [
            path(
                "<path:object_id>/pdf/",
                self.admin_site.admin_view(self.pdf_view),
                name="{}_{}_pdf".format(*info),
            ),
            path(
                "<path:object_id>/html/",
                self.admin_site.admin_view(self.html_view),
                name="{}_{}_html".format(*info),
            ),
            path(
                "<path:object_id>/veroeffentlichen/",
                self.admin_site.admin_view(self.publish_view),
                name="{}_{}_publish".format(*info),
            ),
            path(
                "<path:object_id>/zurueckziehen/",
                self.admin_site.admin_view(self.withdraw_view),
                name="{}_{}_withdraw".format(*info),
            ),
            path(
                "<path:object_id>/fortschritt/",
                self.admin_site.admin_view(self.progress_view),
                name="{}_{}_progress".format(*info),
            ),
            *super().get_urls(),
        ]

    # -- columns -----------------------------------------------------------------------------

    @admin.display(description=_("Fortschritt"))
    def progress_display(self, obj: TransparencyReport) -> SafeString:
        return format_html(
            '<progress max="100" value="{}" data-report-progress aria-label="{}">{} %</progress> '
            "<span data-report-percent>{} %</span>",
            obj.progress,
            gettext("Fortschritt"),
            obj.progress,
            obj.progress,
        )

    @admin.display(description=_("Herunterladen"))
    def downloads(self, obj: TransparencyReport) -> SafeString:
        if obj.status != TransparencyReport.Status.DONE:
            return format_html("{}", "–")
        info = self.opts.app_label, self.opts.model_name
        label = obj.period_label
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:{}_{}_pdf".format(*info), args=[obj.pk]),
            gettext("PDF %(period)s") % {"period": label},
            reverse("admin:{}_{}_html".format(*info), args=[obj.pk]),
            gettext("HTML %(period)s") % {"period": label},
        )

    # -- request -----------------------------------------------------------------------------

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        """The board asks for a report of a year or a period; a worker renders it."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        organisations = board_organisations(request).order_by("name")
        form = ReportRequestForm(request.POST or None, organisations=organisations)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                report = report_services.request_report(
                    data["organisation"],
                    actor=acting_user(request),
                    year=data["year"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except PermissionDenied as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(
                    request,
                    gettext("Der Bericht %(report)s wird erstellt.") % {"report": report},
                )
                return HttpResponseRedirect(
                    reverse("admin:governance_transparencyreport_change", args=[report.pk])
                )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Transparenzbericht anfordern"),
            "opts": self.opts,
            "form": form,
        }
        return TemplateResponse(request, "governance/reports/admin_request.html", context)

    def change_view(
        self, request: HttpRequest, object_id: str, form_url: str = "", extra_context: Any = None
    ) -> HttpResponse:
        extra = {
            **(extra_context or {}),
            "show_save": False,
            "show_save_and_continue": False,
            "show_save_and_add_another": False,
            "progress_url": reverse(
                "admin:governance_transparencyreport_progress", args=[object_id]
            ),
        }
        return super().change_view(request, object_id, form_url, extra)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Nothing on the change form is editable; reports change through the actions only.
        return None

    # -- downloads and progress ----------------------------------------------------------------

    def _viewable(self, request: HttpRequest, object_id: str) -> TransparencyReport:
        report: TransparencyReport = self.get_object(request, object_id)
        if not self.has_view_permission(request, report):
            raise PermissionDenied
        return report

    def pdf_view(self, request: HttpRequest, object_id: str) -> HttpResponseBase:
        report = self._viewable(request, object_id)
        if report.status != TransparencyReport.Status.DONE or not report.pdf:
            raise Http404
        return FileResponse(
            report.pdf.open("rb"),
            as_attachment=True,
            filename=f"ki-transparenzbericht-{report.organisation.slug}-{report.period_slug}.pdf",
            content_type="application/pdf",
        )

    def html_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        report = self._viewable(request, object_id)
        if report.status != TransparencyReport.Status.DONE:
            raise Http404
        content = {"organisation": report.organisation, "period": report.period}
        return TemplateResponse(
            request,
            "governance/reports/report_document.html",
            {"content": content, "body": report.html},
        )

    def progress_view(self, request: HttpRequest, object_id: str) -> JsonResponse:
        report = self._viewable(request, object_id)
        return JsonResponse(
            {
                "status": report.status,
                "status_label": report.get_status_display(),
                "progress": report.progress,
                "finished": report.status
                in (TransparencyReport.Status.DONE, TransparencyReport.Status.FAILED),
            }
        )

    # -- publishing from the report's own page --------------------------------------------------

    def _on_own_page(
        self, request: HttpRequest, object_id: str, service: Any, done: str
    ) -> HttpResponse:
        """Publish or withdraw the one report (POST only); errors come back as a message."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        report = self._viewable(request, object_id)
        if not self.has_change_permission(request, report):
            raise PermissionDenied
        self._each(request, TransparencyReport.objects.filter(pk=report.pk), service, done)
        return HttpResponseRedirect(
            reverse("admin:governance_transparencyreport_change", args=[report.pk])
        )

    def publish_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._on_own_page(
            request, object_id, report_services.publish_report, gettext("Bericht veröffentlicht.")
        )

    def withdraw_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        return self._on_own_page(
            request, object_id, report_services.withdraw_report, gettext("Bericht zurückgezogen.")
        )

    # -- actions -------------------------------------------------------------------------------

    def _each(
        self, request: HttpRequest, queryset: QuerySet[TransparencyReport], service: Any, done: str
    ) -> None:
        count = 0
        for report in queryset.select_related("organisation"):
            try:
                service(report, actor=acting_user(request))
            except (ValidationError, PermissionDenied) as exc:
                detail = (
                    "; ".join(m for ms in exc.message_dict.values() for m in ms)
                    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict")
                    else " ".join(getattr(exc, "messages", [str(exc)]))
                )
                self.message_user(request, f"{report}: {detail}", level=messages.ERROR)
            else:
                count += 1
        if count:
            self.message_user(request, done % {"count": count}, level=messages.SUCCESS)

    @admin.action(description=_("Ausgewählte Berichte veröffentlichen"), permissions=["change"])
    def publish_reports(self, request: HttpRequest, queryset: QuerySet[TransparencyReport]) -> None:
        self._each(
            request,
            queryset,
            report_services.publish_report,
            gettext("%(count)d Bericht(e) veröffentlicht."),
        )

    @admin.action(description=_("Ausgewählte Berichte zurückziehen"), permissions=["change"])
    def withdraw_reports(
        self, request: HttpRequest, queryset: QuerySet[TransparencyReport]
    ) -> None:
        self._each(
            request,
            queryset,
            report_services.withdraw_report,
            gettext("%(count)d Bericht(e) zurückgezogen."),
        )

    @admin.action(
        description=_("Für die ausgewählten Zeiträume neu erstellen"), permissions=["change"]
    )
    def request_again(self, request: HttpRequest, queryset: QuerySet[TransparencyReport]) -> None:
        def again(report: TransparencyReport, *, actor: Any) -> None:
            report_services.request_report(
                report.organisation,
                actor=actor,
                period_start=report.period_start,
                period_end=report.period_end,
            )

        self._each(request, queryset, again, gettext("%(count)d Bericht(e) werden neu erstellt."))


@admin.register(AiLiteracyMeasure)
class AiLiteracyMeasureAdmin(OrganisationScopedAdminMixin, LabelledHistoryAdmin):
    """The organisation's AI-literacy measures (Art. 4); recorded through the service, kept."""

    list_display = ("title", "carried_out_on", "evidence_reference", "organisation")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter),)
    list_select_related = ("organisation",)
    fields = ("organisation", "title", "carried_out_on", "evidence_reference")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # A recorded measure is evidence: it is added, not rewritten.
        return self.fields if obj is not None else ()

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.name == "organisation":
            kwargs["queryset"] = board_organisations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            return
        created = services.record_ai_literacy_measure(
            form.cleaned_data["organisation"],
            actor=acting_user(request),
            title=form.cleaned_data["title"],
            carried_out_on=form.cleaned_data["carried_out_on"],
            evidence_reference=form.cleaned_data["evidence_reference"],
        )
        obj.pk = created.pk
        obj._state.adding = False
