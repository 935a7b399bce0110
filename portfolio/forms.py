"""Forms of the portfolio's pages; the services check the rules and name the field."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from portfolio.models import Indicator, Measurement, Scale


def _widget_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "kern-form-check__checkbox"
    if isinstance(widget, forms.RadioSelect):
        return "kern-form-check__radio"
    if isinstance(widget, forms.Select):
        return "kern-form-input__select"
    return "kern-form-input__input"


class KernForm(forms.Form):
    """KERN classes and aria-describedby for hint and error on every widget."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.DateInput):
                field.widget.input_type = "date"
                field.widget.format = "%Y-%m-%d"
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.setdefault("rows", 2)
        self.mark_errors()

    def mark_errors(self) -> None:
        errors = getattr(self, "_errors", None) or {}
        for name, field in self.fields.items():
            bound = self[name]
            described = [f"{bound.auto_id}_hint"] if field.help_text else []
            base = _widget_class(field.widget)
            if name in errors:
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs.update(
                    {"aria-invalid": "true", "class": f"{base} {base}--error"}
                )
            else:
                field.widget.attrs.pop("aria-invalid", None)
                field.widget.attrs["class"] = base
            grouped = isinstance(field.widget, forms.RadioSelect)
            if described and not grouped:
                field.widget.attrs["aria-describedby"] = " ".join(described)
            else:
                field.widget.attrs.pop("aria-describedby", None)

    def full_clean(self) -> None:
        super().full_clean()
        self.mark_errors()

    def error_list(self) -> list[dict[str, Any]]:
        """The errors for the summary at the top of the page, each linked to its field."""
        return [
            {"id": self[name].auto_id, "label": self[name].label, "message": message}
            for name, errs in self.errors.items()
            if name in self.fields
            for message in errs
        ] + [{"id": "", "label": "", "message": m} for m in self.non_field_errors()]


class DepartmentFilterForm(forms.Form):
    """The portfolio's filter by department (a GET form, no JavaScript needed)."""

    fachbereich = forms.TypedChoiceField(
        label=_("Fachbereich"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, departments: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["fachbereich"]
        assert isinstance(field, forms.TypedChoiceField)
        field.choices = [("", _("alle Fachbereiche")), *departments]
        field.widget.attrs["class"] = "kern-form-input__select"


class RatingForm(KernForm):
    benefit = forms.TypedChoiceField(
        label=_("Erwarteter Nutzen"),
        choices=Scale.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Entlastung, weniger Rückfragen, stabilere Bearbeitungszeiten."),
    )
    effort = forms.TypedChoiceField(
        label=_("Erwarteter Aufwand"),
        choices=Scale.choices,
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("Kosten, Umbau der Fachverfahren, Schulung."),
    )
    note = forms.CharField(
        label=_("Begründung der Einschätzung"),
        required=False,
        max_length=2000,
        widget=forms.Textarea,
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class MeasuredValueForm(KernForm):
    """A measurement's value with its source and note: recorded or corrected alike."""

    value = forms.DecimalField(
        label=_("Wert"),
        max_digits=12,
        decimal_places=2,
        localize=True,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
        help_text=_("In der Einheit der Kennzahl, z. B. 27 (Tage) oder 0,9 (Rückfragen je Fall)."),
    )
    source = forms.CharField(
        label=_("Quelle"),
        max_length=200,
        help_text=_("z. B. Auswertung des Fachverfahrens, Stichprobe, Zeiterfassung"),
    )
    note = forms.CharField(
        label=_("Anmerkung"), required=False, max_length=2000, widget=forms.Textarea
    )


class MeasurementForm(MeasuredValueForm):
    field_order = ["indicator", "phase", "period_start", "period_end", "value", "source", "note"]

    indicator = forms.ChoiceField(label=_("Kennzahl"))
    phase = forms.ChoiceField(
        label=_("Phase"),
        choices=Measurement.Phase.choices,
        widget=forms.RadioSelect,
        help_text=_("Der Ausgangswert misst die Zeit vor dem Start, die Messung den Betrieb."),
    )
    period_start = forms.DateField(label=_("Zeitraum von"), widget=forms.DateInput)
    period_end = forms.DateField(label=_("Zeitraum bis"), widget=forms.DateInput)

    def __init__(self, *args: Any, indicators: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["indicator"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("bitte wählen")), *indicators]


class CorrectionForm(MeasuredValueForm):
    """A correction of one measurement: value, source and note, with its reason."""

    reason = forms.CharField(
        label=_("Grund der Korrektur"),
        max_length=500,
        help_text=_("Steht im Verlauf des Messwerts, z. B. „Tippfehler“ oder „Auswertung neu“."),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class IndicatorForm(KernForm):
    name = forms.CharField(label=_("Bezeichnung"), max_length=120)
    unit = forms.CharField(label=_("Einheit"), max_length=40, required=False)
    direction = forms.ChoiceField(
        label=_("Richtung"),
        choices=Indicator.Direction.choices,
        widget=forms.RadioSelect,
        initial=Indicator.Direction.LOWER,
    )
    is_public = forms.BooleanField(
        label=_("öffentlich"),
        required=False,
        help_text=_(
            "Messwerte erscheinen im Transparenzbericht, im Register und in den Open Data."
        ),
    )


class PublicationForm(KernForm):
    indicator = forms.CharField(widget=forms.HiddenInput)
    is_public = forms.TypedChoiceField(
        coerce=lambda value: value == "1",
        choices=[("1", "1"), ("0", "0")],
        widget=forms.HiddenInput,
    )
    reason = forms.CharField(label=_("Grund"), max_length=500)
