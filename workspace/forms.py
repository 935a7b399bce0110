"""The forms of the workspace: one per step of the guided form, child rows, decisions."""

from collections.abc import Iterable, Mapping
from typing import Any, cast

from django import forms
from django.db.models import QuerySet
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from accounts.models import Department
from governance.risk import Facts
from governance.risk.questions import Question
from governance.workflow import EDITABLE_STATUSES, START_DATE_FIXED_STATES
from registry import leika
from registry.models import AISystem, DataSource, LegalBasis, PublicService, UseCase, WithheldField
from workspace.help_texts import HELP
from workspace.selectors import DEFAULT_ORDER, UNCLASSIFIED_FILTER, ListFilter
from workspace.steps import STEPS_BY_SLUG, Step

INPUT_CLASS = "kern-form-input__input"
SELECT_CLASS = "kern-form-input__select"
CHECKBOX_CLASS = "kern-form-check__checkbox"
RADIO_CLASS = "kern-form-check__radio"

NOTE_LABEL = _("Notiz zur Änderung")
# Optional choice fields of the model: their empty option gets a label that says so.
OPTIONAL_CHOICES = {
    "oversight_mode": UseCase.OversightMode.choices,
    "rule_clarity": UseCase.Level.choices,
    "input_structure": UseCase.Level.choices,
}


def _widget_class(widget: forms.Widget) -> str:
    # CheckboxSelectMultiple subclasses RadioSelect, so it must be asked first, or a multiple
    # choice is drawn as round radio buttons and reads as "pick one".
    if isinstance(widget, forms.CheckboxSelectMultiple | forms.CheckboxInput):
        return CHECKBOX_CLASS
    if isinstance(widget, forms.RadioSelect):
        return RADIO_CLASS
    if isinstance(widget, forms.Select):
        return SELECT_CLASS
    return INPUT_CLASS


class KernFormMixin:
    """KERN classes, plain-language help and error attributes for screen readers on every widget."""

    help_overrides: Mapping[str, Any] = {}

    def _style_fields(self) -> None:
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            help_text = self.help_overrides.get(name) or HELP.get(name)
            if help_text:
                field.help_text = help_text
            widget = field.widget
            if isinstance(widget, forms.DateInput):
                widget.input_type = "date"
                widget.format = "%Y-%m-%d"
            if isinstance(widget, forms.Textarea):
                widget.attrs.setdefault("rows", 3)
            widget.attrs["class"] = _widget_class(widget)
        self._mark_errors(errors={})

    def _mark_errors(self, errors: Mapping[str, Any] | None = None) -> None:
        if errors is None:
            errors = self.errors  # type: ignore[attr-defined]
        for name, field in self.fields.items():  # type: ignore[attr-defined]
            bound = self[name]  # type: ignore[index]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}_hint")
            base = _widget_class(field.widget)
            if name in errors:
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
                field.widget.attrs["class"] = f"{base} {base}--error"
            else:
                field.widget.attrs.pop("aria-invalid", None)
                field.widget.attrs["class"] = base
            grouped = isinstance(field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)
            # A group's description belongs on its fieldset, not on every option.
            if described and not grouped:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._mark_errors()


def note_field() -> forms.CharField:
    return forms.CharField(
        label=NOTE_LABEL,
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class UseCaseStepForm(KernFormMixin, forms.ModelForm[UseCase]):
    """The fields of one step; the model's own checks run, nothing is saved here."""

    class Meta:
        model = UseCase
        fields: list[str] = []

    def __init__(self, *args: Any, departments: QuerySet[Department] | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["note"] = note_field()
        if "department" in self.fields:
            department = cast(forms.ModelChoiceField[Department], self.fields["department"])
            department.queryset = (
                departments if departments is not None else Department.objects.none()
            )
            department.empty_label = _("– bitte wählen –")
        for name, choices in OPTIONAL_CHOICES.items():
            if name in self.fields:
                cast(forms.ChoiceField, self.fields[name]).choices = [
                    ("", _("– keine Angabe –")),
                    *choices,
                ]
        self._offer_only_what_an_edit_may_set()
        self._style_fields()

    def _offer_only_what_an_edit_may_set(self) -> None:
        # The workflow's steps set "in operation", "retired" and the start date of a system in
        # operation (governance.workflow); the form offers only what a change may set.
        state, current = self.instance.workflow_state, self.instance.status
        if "status" in self.fields:
            allowed = EDITABLE_STATUSES[state] | {current}
            status = cast(forms.ChoiceField, self.fields["status"])
            status.choices = [(v, label) for v, label in UseCase.Status.choices if v in allowed]
        if "start_date" in self.fields and state in START_DATE_FIXED_STATES:
            self.fields["start_date"].disabled = True

    def _post_clean(self) -> None:
        # The organisation follows the chosen department, so the model's checks see both.
        department = self.cleaned_data.get("department")
        if department is not None and not self.instance.organisation_id:
            self.instance.organisation = department.organisation
        super()._post_clean()  # type: ignore[misc]


def step_form_class(step: Step) -> type[UseCaseStepForm]:
    """The form of a step (the first one holds all that a new use case needs)."""
    fields = list(step.fields)
    return cast(
        type[UseCaseStepForm],
        forms.modelform_factory(UseCase, form=UseCaseStepForm, fields=fields),
    )


# The AI system's fields a new system is described with, as create_ai_system takes them.
NEW_SYSTEM_FIELDS = ("name", "vendor", "product", "model_name", "technique", "hosting")


class SystemStepForm(UseCaseStepForm):
    """Choose the organisation's AI system, or describe a new one, plus its connections."""

    new_system_name = forms.CharField(
        label=_("Bezeichnung des neuen KI-Systems"), required=False, max_length=200
    )
    new_system_vendor = forms.CharField(label=_("Anbieter"), required=False, max_length=200)
    new_system_product = forms.CharField(label=_("Produkt"), required=False, max_length=200)
    new_system_model = forms.CharField(label=_("Modell"), required=False, max_length=200)
    new_system_technique = forms.ChoiceField(
        label=_("Technik"),
        required=False,
        choices=[("", _("– bitte wählen –")), *AISystem.Technique.choices],
    )
    new_system_hosting = forms.ChoiceField(
        label=_("Betrieb"),
        required=False,
        choices=[("", _("– bitte wählen –")), *AISystem.Hosting.choices],
    )
    help_overrides = {
        "new_system_name": _("Nur ausfüllen, wenn das System oben nicht zur Auswahl steht."),
        "new_system_vendor": _(
            "Der Hersteller oder Lieferant, z. B. ein kommunaler IT-Dienstleister."
        ),
        "new_system_product": _("Der Produktname, falls bekannt."),
        "new_system_model": _(
            "Das eingesetzte Modell, z. B. ein bestimmtes Sprachmodell, falls bekannt."
        ),
        "new_system_technique": _(
            "Regelbasiert: feste, von Menschen geschriebene Regeln. Maschinelles Lernen: aus "
            "Beispielen gelernt. Generative KI: erzeugt Texte oder Bilder."
        ),
        "new_system_hosting": _("Wo läuft das System?"),
    }

    class Meta:
        model = UseCase
        fields = list(STEPS_BY_SLUG["system"].fields)

    def __init__(self, *args: Any, ai_systems: QuerySet[AISystem], **kwargs: Any):
        super().__init__(*args, **kwargs)
        ai_system = cast(forms.ModelChoiceField[AISystem], self.fields["ai_system"])
        ai_system.queryset = ai_systems
        ai_system.empty_label = _("– noch keins ausgewählt –")
        # The note stays the last field on the page.
        self.fields["note"] = self.fields.pop("note")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("new_system_name"):
            if data.get("ai_system"):
                self.add_error(
                    "new_system_name",
                    _(
                        "Wählen Sie ein vorhandenes System oder tragen Sie ein neues ein, "
                        "nicht beides."
                    ),
                )
            for name, message in (
                ("new_system_technique", _("Bitte wählen Sie die Technik des neuen Systems.")),
                ("new_system_hosting", _("Bitte wählen Sie, wo das neue System betrieben wird.")),
            ):
                if not data.get(name):
                    self.add_error(name, message)
        return data

    def new_system_fields(self) -> dict[str, str] | None:
        """The new AI system as create_ai_system takes it, if the user described one."""
        data = self.cleaned_data
        if not data.get("new_system_name"):
            return None
        return {name: data[self.error_field(name)] for name in NEW_SYSTEM_FIELDS}

    @staticmethod
    def error_field(name: str) -> str:
        """The form field of an AI system's model field, where its errors are shown."""
        return f"new_system_{'model' if name == 'model_name' else name}"


# Child rows: the model and the fields the workspace edits, by the services' keyword.
CHILD_ROWS: dict[str, tuple[type, tuple[str, ...]]] = {
    "legal_bases": (LegalBasis, ("law", "provision", "url")),
    "data_sources": (DataSource, ("name", "register", "description")),
    "public_services": (PublicService, ("leika_key", "name")),
    "withheld_fields": (WithheldField, ("field", "reason")),
}
CHILD_TITLES = {
    "legal_bases": _("Vorschriften"),
    "data_sources": _("Datenquellen"),
    "public_services": _("Verwaltungsleistungen"),
    "withheld_fields": _("Nicht veröffentlichte Angaben"),
}
CHILD_ROW_LABELS = {
    "legal_bases": _("Vorschrift"),
    "data_sources": _("Datenquelle"),
    "public_services": _("Leistung"),
    "withheld_fields": _("Einschränkung"),
}
CHILD_HELP = {"public_services": {"name": HELP["service_name"]}}


def child_formset_class(key: str) -> type[forms.BaseFormSet[Any]]:
    model, names = CHILD_ROWS[key]

    class RowForm(KernFormMixin, forms.ModelForm[Any]):
        id = forms.IntegerField(required=False, widget=forms.HiddenInput)
        help_overrides = CHILD_HELP.get(key, {})

        class Meta:
            fields = names

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            if "field" in self.fields:
                cast(forms.ChoiceField, self.fields["field"]).choices = [
                    ("", _("– bitte wählen –")),
                    *WithheldField.Field.choices,
                ]
            self._style_fields()

        def clean(self) -> dict[str, Any]:
            cleaned: dict[str, Any] = super().clean() or {}
            if key == "public_services":
                _check_leika_key(self, cleaned)
            return cleaned

    row_form = forms.modelform_factory(model, form=RowForm, fields=names)
    return forms.formset_factory(row_form, extra=1, can_delete=True)


def _check_leika_key(form: forms.BaseForm, cleaned: dict[str, Any]) -> None:
    """A new or changed LeiKa key must be in the catalogue; a known one brings its name.

    A key already stored is not checked again: it was valid when it was entered, and a newer
    catalogue must not make the record impossible to save.
    """
    value = cleaned.get("leika_key")
    if not value or "leika_key" in form.errors:
        return
    if value != form.initial.get("leika_key") and leika.unknown_keys([value]):
        edition = leika.catalogue_edition()
        form.add_error(
            "leika_key",
            _(
                "Der LeiKa-Schlüssel %(key)s steht nicht im Leistungskatalog (Stand "
                "%(date)s). Suchen Sie die Leistung über „Leistung im Leistungskatalog suchen“."
            )
            % {
                "key": value,
                "date": formats.date_format(edition.as_of, "SHORT_DATE_FORMAT") if edition else "–",
            },
        )
    elif not cleaned.get("name"):
        cleaned["name"] = leika.names_of([value]).get(value, "")


def child_formset(
    key: str,
    rows: Iterable[Any],
    data: Mapping[str, Any] | None = None,
    added: Iterable[Mapping[str, Any]] = (),
) -> forms.BaseFormSet[Any]:
    """A formset of existing child rows, then `added` (chosen, not yet saved), then one empty
    row; the prefix is the services' key."""
    _model, names = CHILD_ROWS[key]
    initial = [{"id": row.pk, **{name: getattr(row, name) for name in names}} for row in rows]
    initial += [dict(row) for row in added]
    formset = child_formset_class(key)(data=data, initial=initial, prefix=key)
    return formset


def rows_from_formset(formset: forms.BaseFormSet[Any]) -> tuple[list[dict[str, Any]], list[int]]:
    """The rows to keep, as the services take them, and the form index of each row sent."""
    rows: list[dict[str, Any]] = []
    indices: list[int] = []
    for index, form in enumerate(formset.forms):
        if form.cleaned_data.get("DELETE"):
            continue
        pk = form.cleaned_data.get("id")
        if pk is None and not form.has_changed():
            continue
        row = {k: v for k, v in form.cleaned_data.items() if k not in {"id", "DELETE"}}
        if pk is not None:
            row["id"] = pk
        rows.append(row)
        indices.append(index)
    return rows, indices


# The answer "weiß nicht" of every tree question (governance.risk.tree).
UNKNOWN = "unknown"
# The form's value of "no exclusion", whose engine value is null.
NO_EXCLUSION = "none"


class RiskQuestionForm(KernFormMixin, forms.Form):
    """One question of the decision tree (governance.risk.tree), "weiß nicht" included."""

    prefix = "risk"

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.question = question
        unknown_label = _("Weiß ich nicht")
        required = _("Bitte wählen Sie eine Antwort; auch „Weiß ich nicht“ ist möglich.")
        field: forms.Field
        if question.kind == "bool":
            field = forms.ChoiceField(
                choices=[("true", _("Ja")), ("false", _("Nein")), (UNKNOWN, unknown_label)],
                widget=forms.RadioSelect,
                error_messages={"required": required},
            )
        elif question.kind == "choice":
            field = forms.ChoiceField(
                choices=[
                    *((option.value or NO_EXCLUSION, option.label) for option in question.options),
                    (UNKNOWN, unknown_label),
                ],
                widget=forms.RadioSelect,
                error_messages={"required": required},
            )
        elif question.kind == "date":
            field = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
            self.fields[f"{question.key}_unknown"] = forms.BooleanField(
                label=unknown_label, required=False
            )
        else:
            field = forms.MultipleChoiceField(
                choices=[
                    *((option.value, option.label) for option in question.options),
                    (UNKNOWN, unknown_label),
                ],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        field.label = str(question.text)
        field.help_text = str(question.help)
        self.fields = {question.key: field, **self.fields}
        self.fields["note"] = note_field()
        self._style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        key = self.question.key
        value = data.get(key)
        if self.question.kind == "multi" and UNKNOWN in (value or []) and len(value or []) > 1:
            self.add_error(
                key,
                _("Kreuzen Sie entweder die zutreffenden Punkte an oder „Weiß ich nicht“."),
            )
        if self.question.kind == "date" and value and data.get(f"{key}_unknown"):
            self.add_error(key, _("Geben Sie entweder ein Datum an oder „Weiß ich nicht“."))
        return data

    def answer(self) -> tuple[object, bool]:
        """The answer as the engine reads it, and whether it is "weiß nicht"."""
        key = self.question.key
        value = self.cleaned_data.get(key)
        kind = self.question.kind
        if kind == "date":
            if self.cleaned_data.get(f"{key}_unknown"):
                return None, True
            return (value.isoformat() if value else None), False
        if kind == "multi":
            chosen = list(value or [])
            return ([] if UNKNOWN in chosen else chosen), UNKNOWN in chosen
        if value == UNKNOWN:
            return None, True
        if kind == "bool":
            return value == "true", False
        return (None if value == NO_EXCLUSION else value), False

    @staticmethod
    def initial_for(question: Question, facts: Facts) -> dict[str, Any]:
        """The stored answer to the question as the form's initial value (none if unanswered)."""
        key = question.key
        if facts.answered is not None and key not in facts.answered:
            return {}
        if key in facts.unknown:
            if question.kind == "date":
                return {f"{key}_unknown": True}
            return {key: [UNKNOWN] if question.kind == "multi" else UNKNOWN}
        value = getattr(facts, key)
        if question.kind == "bool":
            return {key: "true" if value else "false"}
        if question.kind == "choice":
            return {key: value or NO_EXCLUSION}
        if question.kind == "multi":
            return {key: sorted(value)}
        return {key: value}


class SubmitForm(KernFormMixin, forms.Form):
    note = forms.CharField(
        label=_("Hinweis für die Prüfenden"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Optional: Was sollen Datenschutz, Informationssicherheit und Gremium wissen?"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_fields()


class SignOffForm(KernFormMixin, forms.Form):
    """A reviewer's verdict; an objection needs a reason the department head can act on."""

    AGREE = "agree"
    OBJECT = "object"

    verdict = forms.ChoiceField(
        label=_("Ihr Votum"),
        choices=[(AGREE, _("Ich stimme zu")), (OBJECT, _("Ich erhebe Einwände"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Begründung"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "Bei Einwänden erforderlich: Was muss sich ändern? Die Fachbereichsleitung sieht "
            "diesen Text."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._style_fields()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("verdict") == self.OBJECT and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Bitte begründen Sie Ihre Einwände."))
        return data


def _department_label(obj: Department) -> str:
    # Several organisations (the operator, a board of several): the name says which one.
    return f"{obj.name} ({obj.organisation.name})"


class MyUseCasesFilterForm(KernFormMixin, forms.Form):
    """Search, filters and order of "my use cases", sent by GET so it works without JavaScript.

    The parameter names are German because they show in the address bar.
    """

    q = forms.CharField(
        label=_("Suche in Bezeichnung, Kurzbeschreibung und Zweck"), required=False, max_length=200
    )
    status = forms.ChoiceField(label=_("Status"), required=False)
    risiko = forms.ChoiceField(label=_("Risikoklasse"), required=False)
    fachbereich = forms.ModelChoiceField(
        label=_("Fachbereich"), required=False, queryset=Department.objects.none()
    )
    handlungsbedarf = forms.BooleanField(label=_("Nur, wo ich etwas tun muss"), required=False)
    sortierung = forms.ChoiceField(
        label=_("Sortierung"),
        required=False,
        choices=[
            ("fachbereich", _("nach Fachbereich")),
            ("titel", _("nach Bezeichnung")),
            ("ueberpruefung", _("nach nächster Überprüfung")),
            ("geaendert", _("zuletzt geändert zuerst")),
        ],
    )
    help_overrides = {
        "handlungsbedarf": _(
            "Entwürfe, Änderungswünsche, offene Risikoeinstufung, überfällige Überprüfung "
            "oder ein Votum, das Sie abgeben sollen."
        )
    }

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["status"]).choices = [
            ("", _("alle")),
            *UseCase.Status.choices,
        ]
        cast(forms.ChoiceField, self.fields["risiko"]).choices = [
            ("", _("alle")),
            *[(value or UNCLASSIFIED_FILTER, label) for value, label in UseCase.RiskClass.choices],
        ]
        department = cast(forms.ModelChoiceField[Department], self.fields["fachbereich"])
        department.queryset = departments
        department.empty_label = _("alle")
        department.label_from_instance = _department_label  # type: ignore[method-assign]
        self._style_fields()
        cast(forms.TextInput, self.fields["q"].widget).input_type = "search"

    def list_filter(self) -> ListFilter:
        """The valid part of the input; a field with an error filters nothing."""
        if not self.is_bound:
            return ListFilter()
        self.is_valid()  # cleans; cleaned_data then holds the fields without an error
        data = self.cleaned_data
        department = data.get("fachbereich")
        return ListFilter(
            query=(data.get("q") or "").strip(),
            status=data.get("status") or "",
            risk_class=data.get("risiko") or "",
            department_id=department.pk if department is not None else None,
            needs_my_action=bool(data.get("handlungsbedarf")),
            order=data.get("sortierung") or DEFAULT_ORDER,
        )

    @property
    def opens_more_filters(self) -> bool:
        """Whether the folded filters start open: one of them (or the order) was chosen, or one
        of them has an error."""
        wanted = self.list_filter()
        errors = {"status", "risiko", "fachbereich", "handlungsbedarf", "sortierung"}
        return bool(
            wanted.status
            or wanted.risk_class
            or wanted.department_id
            or wanted.needs_my_action
            or wanted.order != DEFAULT_ORDER
            or (self.is_bound and errors & self.errors.keys())
        )

    @property
    def narrows(self) -> bool:
        """Whether anything beyond the order is filtered: the page offers to reset it."""
        wanted = self.list_filter()
        return bool(
            wanted.query
            or wanted.status
            or wanted.risk_class
            or wanted.department_id
            or wanted.needs_my_action
        )
