"""The public search form and the accessibility feedback form."""

import re
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from registry.models import AISystem, UseCase
from registry.public import selectors

EMPTY_CHOICE = [("", _("alle"))]
ORDERING_CHOICES = [
    ("title", _("Bezeichnung (A–Z)")),
    ("newest", _("zuletzt geändert")),
    ("organisation", _("Organisation")),
    ("risk", _("Risikoklasse")),
]
# The selects whose options carry counts, and the facet of selectors.facet_counts each shows.
FACET_FIELDS = {"risiko": "risk_class", "status": "status", "technik": "technique"}
SERVICE_PATTERN = re.compile(r"^(\d{1,14}|\D.{0,199})$", re.DOTALL)


class KernForm(forms.Form):
    """A form whose widgets carry KERN UX's classes."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = (
                "kern-form-input__select"
                if isinstance(field.widget, forms.Select)
                else "kern-form-input__input"
            )
            field.widget.attrs.setdefault("class", css)


class RegisterFilterForm(KernForm):
    """Search and filters of the register; every value the register cannot resolve is an error.

    Organisation and department are selects where their choices are few: the organisation when
    the installation has at most ORGANISATION_SELECT_LIMIT of them, the department once one
    organisation is chosen. Otherwise they are text fields (an organisation's name, URL name or
    AGS; a department's name in any case), so a national installation never sends thousands of
    options. The URL parameters are the same either way.
    """

    q = forms.CharField(label=_("Suchbegriff"), max_length=200, required=False)
    organisation = forms.CharField(
        label=_("Organisation"),
        help_text=_("Name, Kurzname aus der Adresse oder Amtlicher Gemeindeschlüssel"),
        max_length=200,
        required=False,
    )
    fachbereich = forms.CharField(
        label=_("Fachbereich"),
        help_text=_("Name des Fachbereichs oder Amts, z. B. Sozialamt"),
        max_length=200,
        required=False,
    )
    risiko = forms.ChoiceField(
        label=_("Risikoklasse"),
        required=False,
        choices=[
            *EMPTY_CHOICE,
            *[(v or selectors.UNCLASSIFIED, label) for v, label in UseCase.RiskClass.choices],
        ],
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[*EMPTY_CHOICE, *UseCase.Status.choices]
    )
    technik = forms.ChoiceField(
        label=_("Technik"), required=False, choices=[*EMPTY_CHOICE, *AISystem.Technique.choices]
    )
    leistung = forms.CharField(
        label=_("Verwaltungsleistung"),
        help_text=_("LeiKa-Schlüssel oder dessen Anfang (z. B. 99050), oder OZG-Bezeichnung"),
        max_length=200,
        required=False,
    )
    sortierung = forms.ChoiceField(label=_("Sortierung"), required=False, choices=ORDERING_CHOICES)

    def __init__(self, data: Any, *, organisation: Organisation | None = None) -> None:
        super().__init__(data)
        self.fixed_organisation = organisation
        self.organisation_error = ""
        self.organisation_options: list[Organisation] = []
        chosen = organisation
        if organisation is not None:
            del self.fields["organisation"]
        else:
            chosen = self._init_organisation_field(str(self.data.get("organisation", "")).strip())
        if chosen is not None:
            names = selectors.department_names(chosen)
            self.fields["fachbereich"] = forms.ChoiceField(
                label=_("Fachbereich"),
                required=False,
                choices=[*EMPTY_CHOICE, *[(d, d) for d in names]],
                widget=forms.Select(attrs={"class": "kern-form-input__select"}),
            )
        self.chosen_organisation = chosen

    def _init_organisation_field(self, value: str) -> Organisation | None:
        """Offer a select when the organisations are few; resolve the submitted value once."""
        choices = selectors.organisation_choices()
        self.organisation_options = choices or []
        if choices is not None:
            self.fields["organisation"] = forms.ChoiceField(
                label=_("Organisation"),
                required=False,
                choices=[*EMPTY_CHOICE, *[(o.slug, o.name) for o in choices]],
                widget=forms.Select(attrs={"class": "kern-form-input__select"}),
            )
            return {o.slug: o for o in choices}.get(value)
        if not value:
            return None
        found = selectors.find_public_organisations(value)
        exact = [o for o in found if value in (o.slug, o.ags)]
        if exact or len(found) == 1:
            return (exact or found)[0]
        if found:
            self.organisation_error = _(
                "Mehrere Organisationen heißen „%(value)s“. Bitte geben Sie den Amtlichen "
                "Gemeindeschlüssel (8 Ziffern) ein."
            ) % {"value": value}
        else:
            self.organisation_error = _(
                "Keine Organisation mit veröffentlichten Anwendungsfällen heißt „%(value)s“ oder "
                "hat diesen Kurznamen oder Gemeindeschlüssel."
            ) % {"value": value}
        return None

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())

    def clean_organisation(self) -> str:
        if self.organisation_error:
            raise forms.ValidationError(self.organisation_error)
        return str(self.cleaned_data["organisation"]).strip()

    def clean_fachbereich(self) -> str:
        return " ".join(str(self.cleaned_data["fachbereich"]).split())

    def clean_leistung(self) -> str:
        value: str = self.cleaned_data["leistung"].strip()
        if value and not SERVICE_PATTERN.match(value):
            raise forms.ValidationError(
                _("Bitte geben Sie bis zu 14 Ziffern eines LeiKa-Schlüssels oder einen Namen ein.")
            )
        return value

    @property
    def narrowed(self) -> bool:
        """Whether the search narrows the register (the order alone does not)."""
        return any(v for k, v in self.cleaned_data.items() if k != "sortierung")

    @property
    def filters_chosen(self) -> int:
        """How many filters (not the search term, not the order) hold a value."""
        return sum(1 for k, v in self.cleaned_data.items() if v and k not in ("q", "sortierung"))

    @property
    def offers_organisations(self) -> bool:
        """Whether the organisation is chosen from a select (a few organisations)."""
        return bool(self.organisation_options)

    def show_counts(
        self, counts: dict[str, dict[str, int]], organisations: dict[int, int] | None = None
    ) -> None:
        """Name beside each option of the faceted filters how many entries it would list."""
        if organisations is not None and self.organisation_options:
            field = cast(forms.ChoiceField, self.fields["organisation"])
            field.choices = [
                *EMPTY_CHOICE,
                *[
                    (o.slug, f"{o.name} ({organisations.get(o.pk, 0)})")
                    for o in self.organisation_options
                ],
            ]
        for name, facet in FACET_FIELDS.items():
            field = cast(forms.ChoiceField, self.fields[name])
            options = cast(list[tuple[str, Any]], field.choices)
            field.choices = [
                (value, f"{label} ({counts[facet][value]})" if value else label)
                for value, label in options
            ]

    def search(self) -> selectors.RegisterFilter:
        data = self.cleaned_data
        return selectors.RegisterFilter(
            query=data["q"],
            organisation=self.chosen_organisation,
            department=data["fachbereich"],
            risk_class=data["risiko"],
            status=data["status"],
            technique=data["technik"],
            service=data["leistung"],
            ordering=data["sortierung"] or "title",
        )


class OrganisationSearchForm(KernForm):
    """The search of the organisation directory: part of a name, or the start of an AGS."""

    q = forms.CharField(
        label=_("Name oder Gemeindeschlüssel"),
        help_text=_(
            "Teil des Namens (z. B. Lindenfeld) oder Anfang des Amtlichen Gemeindeschlüssels"
        ),
        max_length=200,
        required=False,
    )

    def clean_q(self) -> str:
        return " ".join(self.cleaned_data["q"].split())


class AccessibilityFeedbackForm(KernForm):
    """A report of an accessibility barrier, sent to the contact named in the statement."""

    message = forms.CharField(
        label=_("Ihre Nachricht"),
        help_text=_("Welche Seite, was hat nicht funktioniert, was haben Sie benutzt?"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    page = forms.CharField(label=_("Betroffene Seite (Adresse)"), max_length=500, required=False)
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse für eine Antwort"),
        help_text=_("Freiwillig. Wir verwenden sie nur, um Ihnen zu antworten."),
        required=False,
    )
