"""The forms of the maturity pages; the questionnaires' fields come from maturity.questionnaires."""

from collections.abc import Iterable
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from maturity.models import AnswererNomination, MaturityMeasure
from maturity.questionnaires import (
    ASKED_CRITERIA,
    ASKED_DIMENSIONS,
    BASIC_COMPONENTS,
    DIMENSIONS,
    READINESS_QUESTIONS,
    READINESS_SCALE,
    SERVICE_LEVELS,
)

INPUT_CLASS = "kern-form-input__input"
SELECT_CLASS = "kern-form-input__select"
CHECKBOX_CLASS = "kern-form-check__checkbox"
RADIO_CLASS = "kern-form-check__radio"


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
        return CHECKBOX_CLASS
    if isinstance(widget, forms.RadioSelect):
        return RADIO_CLASS
    if isinstance(widget, forms.Select):
        return SELECT_CLASS
    return INPUT_CLASS


class KernForm(forms.Form):
    """KERN classes on every widget and the error attributes screen readers need."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_errors()

    def mark_errors(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            base = _widget_class(field.widget)
            described = [f"{bound.auto_id}_hint"] if field.help_text else []
            if self.is_bound and name in self.errors:
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["class"] = f"{base} {base}--error"
            else:
                field.widget.attrs.pop("aria-invalid", None)
                field.widget.attrs["class"] = base
            grouped = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            if described and not grouped:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def error_summary(self) -> list[dict[str, str]]:
        """The errors as links to their fields, for the summary above the form."""
        summary: list[dict[str, str]] = []
        for name, errors in self.errors.items():
            if name == "__all__":
                summary.extend({"id": "main", "label": "", "message": str(e)} for e in errors)
                continue
            field = self.fields.get(name)
            summary.extend(
                {
                    "id": self[name].auto_id if field else "main",
                    "label": str(field.label) if field else "",
                    "message": str(error),
                }
                for error in errors
            )
        return summary


def reason_field(label: Any = None, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label or _("Grund der Änderung"),
        required=required,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ReadinessForm(KernForm):
    """The readiness questionnaire: one five-step question per statement."""

    def __init__(self, *args: Any, initial_answers: dict[str, int] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for question in READINESS_QUESTIONS:
            self.fields[question.key] = forms.TypedChoiceField(
                label=str(question.text),
                choices=[(str(value), str(label)) for value, label in READINESS_SCALE],
                coerce=int,
                widget=forms.RadioSelect,
                help_text=_("Quelle: %(source)s") % {"source": question.source},
                initial=str(initial_answers[question.key])
                if initial_answers and question.key in initial_answers
                else None,
                error_messages={"required": _("Bitte wählen Sie eine Stufe.")},
            )
        self.fields["note"] = forms.CharField(
            label=_("Anmerkung"), required=False, max_length=2000, widget=forms.Textarea
        )
        self.mark_errors()

    def dimensions(self) -> list[dict[str, Any]]:
        return [
            {
                "dimension": dimension,
                "fields": [
                    self[q.key] for q in READINESS_QUESTIONS if q.dimension == dimension.key
                ],
            }
            for dimension in ASKED_DIMENSIONS
        ]

    def answers(self) -> dict[str, int]:
        return {q.key: self.cleaned_data[q.key] for q in READINESS_QUESTIONS}


def support_field_name(use_case_id: int) -> str:
    return f"support_{use_case_id}"


class ServiceAssessmentForm(KernForm):
    """The service questionnaire: a level per criterion, and which criteria each use case helps."""

    NOT_NEEDED = ""

    def __init__(
        self,
        *args: Any,
        use_cases: Iterable[dict[str, Any]] = (),
        previous: Any = None,
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        answers = previous.answers if previous is not None else {}
        support = previous.use_case_support if previous is not None else {}
        levels = [(str(value), str(label)) for value, label in SERVICE_LEVELS]
        for criterion in ASKED_CRITERIA:
            choices: list[tuple[str, str]] = [("-", str(_("Bitte wählen")))]
            if criterion.optional:
                choices.append((self.NOT_NEEDED, str(_("für diese Leistung nicht erforderlich"))))
            components = ", ".join(str(BASIC_COMPONENTS[c]) for c in criterion.components)
            hint = criterion.wording_source_note
            if components:
                hint = _("Hängt ab von: %(components)s. %(note)s") % {
                    "components": components,
                    "note": hint,
                }
            previous_value = answers.get(criterion.key, "-") if previous is not None else "-"
            self.fields[criterion.key] = forms.ChoiceField(
                label=_("Kriterium %(number)d: %(label)s")
                % {"number": criterion.number, "label": criterion.label},
                choices=choices + levels,
                help_text=hint,
                initial=self.NOT_NEEDED if previous_value is None else str(previous_value),
                # "" is the answer "not required" of an optional criterion; "-" is no answer.
                required=not criterion.optional,
                error_messages={"required": _("Bitte wählen Sie eine Stufe.")},
            )
        criteria = [(c.key, f"{c.number}. {c.label}") for c in ASKED_CRITERIA]
        self.use_cases = list(use_cases)
        for use_case in self.use_cases:
            self.fields[support_field_name(use_case["id"])] = forms.MultipleChoiceField(
                label=_("„%(title)s“ hilft bei") % {"title": use_case["title"]},
                choices=criteria,
                required=False,
                widget=forms.CheckboxSelectMultiple,
                initial=support.get(str(use_case["id"]), []),
            )
        self.fields["note"] = forms.CharField(
            label=_("Anmerkung"), required=False, max_length=2000, widget=forms.Textarea
        )
        self.mark_errors()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for criterion in ASKED_CRITERIA:
            if cleaned.get(criterion.key) == "-":
                self.add_error(criterion.key, _("Bitte wählen Sie eine Stufe."))
        return cleaned

    def criterion_fields(self) -> list[Any]:
        return [self[c.key] for c in ASKED_CRITERIA]

    def support_fields(self) -> list[Any]:
        return [self[support_field_name(u["id"])] for u in self.use_cases]

    def answers(self) -> dict[str, str | None]:
        return {c.key: (self.cleaned_data[c.key] or None) for c in ASKED_CRITERIA}

    def support(self) -> dict[str, list[str]]:
        return {
            str(u["id"]): self.cleaned_data[support_field_name(u["id"])] for u in self.use_cases
        }


class MeasureForm(KernForm):
    """A measure against a maturity gap; on edit with its status and the version it showed."""

    dimension = forms.ChoiceField(
        label=_("Dimension"), choices=[(d.key, d.label) for d in DIMENSIONS]
    )
    title = forms.CharField(label=_("Maßnahme"), max_length=200)
    description = forms.CharField(
        label=_("Beschreibung"), required=False, max_length=4000, widget=forms.Textarea
    )
    owner_role = forms.CharField(
        label=_("verantwortlich (Funktion)"),
        max_length=200,
        help_text=_("Eine Funktion, kein Personenname, z. B. „Leitung Hauptamt“."),
    )
    due_date = forms.DateField(label=_("fällig am"), widget=forms.DateInput)
    target_level = forms.TypedChoiceField(
        label=_("angestrebte Stufe"),
        choices=[("", _("keine Angabe"))] + [(str(v), str(v)) for v in range(5)],
        coerce=int,
        empty_value=None,
        required=False,
    )
    status = forms.ChoiceField(label=_("Stand"), choices=MaturityMeasure.Status.choices)
    reason = reason_field()
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not editing:
            del self.fields["status"]
            self.fields["reason"].initial = _("Maßnahme geplant")
        self.mark_errors()


def _person_label(obj: Any) -> str:
    return str(obj.get_full_name() or obj.get_username())


class NominationForm(KernForm):
    """The board names a person of the organisation to answer a questionnaire."""

    user = forms.ModelChoiceField(label=_("Person"), queryset=User.objects.none())
    scope = forms.ChoiceField(
        label=_("Fragebogen"),
        choices=AnswererNomination.Scope.choices,
        widget=forms.RadioSelect,
    )
    reason = reason_field(label=_("Grund der Benennung"))

    def __init__(self, *args: Any, people: QuerySet[User], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["user"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = people
        field.label_from_instance = _person_label  # type: ignore[method-assign]
        self.mark_errors()


class RevokeForm(KernForm):
    reason = reason_field(label=_("Grund des Widerrufs"))
