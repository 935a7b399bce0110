"""Forms of the workspace's incident and objection pages (the services validate the rules)."""

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from incidents.clocks import CLOCK_CHOICES
from incidents.models import Incident, Objection
from incidents.services import INCIDENT_FIELDS
from registry.models import UseCase
from workspace.forms import KernFormMixin

INPUT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]


class LocalDateTimeInput(forms.DateTimeInput):
    """A date and time picker; the value is read in the organisation's time zone (the view's)."""

    input_type = "datetime-local"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _datetime_field(label: Any, *, required: bool = True, help_text: Any = "") -> forms.Field:
    return forms.DateTimeField(
        label=label,
        required=required,
        help_text=help_text,
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


class _Styled(KernFormMixin):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The workspace's plain-language help is about use cases; these fields keep their own.
        own = {name: field.help_text for name, field in self.fields.items()}  # type: ignore[attr-defined]
        self._style_fields()
        for name, text in own.items():
            self.fields[name].help_text = text  # type: ignore[attr-defined]


class IncidentForm(_Styled, forms.ModelForm[Incident]):
    reason = forms.CharField(
        label=_("Grund der Änderung"),
        max_length=500,
        required=False,
        help_text=_("Wird in der Historie gespeichert; bei einer Änderung erforderlich."),
    )

    class Meta:
        model = Incident
        fields = list(INCIDENT_FIELDS)
        field_classes = {"aware_at": forms.DateTimeField, "occurred_at": forms.DateTimeField}
        widgets = {
            "aware_at": LocalDateTimeInput(),
            "occurred_at": LocalDateTimeInput(),
            "resolved_at": LocalDateTimeInput(),
            "effect": forms.RadioSelect,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("aware_at", "occurred_at", "resolved_at"):
            if name in self.fields:
                self.fields[name].input_formats = INPUT_FORMATS  # type: ignore[attr-defined]


class NewIncidentForm(IncidentForm):
    use_case = forms.ModelChoiceField(label=_("KI-Anwendungsfall"), queryset=UseCase.objects.none())

    class Meta(IncidentForm.Meta):
        fields = ["use_case", *[name for name in INCIDENT_FIELDS if name != "resolved_at"]]

    def __init__(self, *args: Any, use_cases: QuerySet[UseCase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["use_case"].queryset = use_cases  # type: ignore[attr-defined]
        self.order_fields(["use_case"])
        del self.fields["reason"]


class ReportForm(_Styled, forms.Form):
    clock = forms.ChoiceField(label=_("Meldepflicht"), choices=CLOCK_CHOICES)
    reported_at = _datetime_field(_("gemeldet am"))
    reference = forms.CharField(
        label=_("Aktenzeichen oder Vermerk"), max_length=300, required=False
    )

    def __init__(self, *args: Any, clocks: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clock"].choices = clocks  # type: ignore[attr-defined]


class ActionForm(_Styled, forms.Form):
    description = forms.CharField(label=_("Maßnahme"), max_length=500)
    owner = forms.CharField(
        label=_("verantwortlich"),
        max_length=200,
        help_text=_("Eine Stelle oder Rolle, z. B. „IT-Leitung“."),
    )
    due_date = forms.DateField(label=_("fällig am"), widget=forms.DateInput)


class ReasonForm(_Styled, forms.Form):
    reason = forms.CharField(label=_("Grund"), max_length=1000, widget=forms.Textarea)


class PublicNoteForm(_Styled, forms.Form):
    public_note = forms.CharField(
        label=_("Hinweis für die Öffentlichkeit"),
        max_length=1000,
        required=False,
        widget=forms.Textarea,
        help_text=_(
            "In einfacher Sprache, ohne interne Einzelheiten und ohne personenbezogene Daten."
        ),
    )
    published = forms.BooleanField(label=_("auf der öffentlichen Seite zeigen"), required=False)
    reason = forms.CharField(label=_("Grund der Entscheidung"), max_length=500)


class ObjectionRecordForm(_Styled, forms.Form):
    use_case = forms.ModelChoiceField(label=_("KI-Anwendungsfall"), queryset=UseCase.objects.none())
    channel = forms.ChoiceField(
        label=_("Eingangsweg"),
        choices=[c for c in Objection.Channel.choices if c[0] != Objection.Channel.ONLINE],
    )
    received_at = _datetime_field(_("eingegangen am"))
    statement = forms.CharField(label=_("Anliegen"), max_length=5000, widget=forms.Textarea)
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("E-Mail-Adresse"),
        required=False,
        help_text=_("Dorthin gehen Eingangsbestätigung und Ergebnis."),
    )
    postal_address = forms.CharField(
        label=_("Anschrift"), required=False, max_length=1000, widget=forms.Textarea
    )
    phone = forms.CharField(label=_("Telefon"), max_length=50, required=False)

    def __init__(self, *args: Any, use_cases: QuerySet[UseCase], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["use_case"].queryset = use_cases  # type: ignore[attr-defined]


class ObjectionDecisionForm(_Styled, forms.Form):
    human_review_done = forms.BooleanField(
        label=_("Ein Mensch hat den Fall überprüft"), required=False
    )
    outcome = forms.ChoiceField(
        label=_("Ergebnis"), choices=Objection.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label=_("Begründung des Ergebnisses"),
        max_length=4000,
        widget=forms.Textarea,
        help_text=_("Ohne personenbezogene Daten: sie bleibt nach der Löschung der Kontaktdaten."),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)


class ResponseSettingsForm(_Styled, forms.Form):
    time_zone = forms.CharField(
        label=_("Zeitzone"), max_length=60, help_text=_("z. B. „Europe/Berlin“")
    )
    objection_response_days = forms.IntegerField(
        label=_("Frist für die Bearbeitung eines Widerspruchs (Tage)"), min_value=1, max_value=365
    )
    objector_data_retention_days = forms.IntegerField(
        label=_("Aufbewahrung der Kontaktdaten nach Abschluss (Tage)"), min_value=0, max_value=3650
    )
    reminder_hours_before = forms.IntegerField(
        label=_("Erinnerung vor Fristablauf (Stunden)"), min_value=1, max_value=240
    )
    reason = forms.CharField(label=_("Grund der Änderung"), max_length=500)
