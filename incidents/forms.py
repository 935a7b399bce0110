"""The public objection form, with spam protection that needs no third party.

A hidden field people leave empty (bots fill it), a signed token that says when the form was
shown (a post within seconds of that, or hours later, is refused), and the public forms' shared
rate limit per client address (django-ratelimit, in the view).
"""

import time
from typing import Any

from django import forms
from django.core import signing
from django.utils.translation import gettext_lazy as _

from registry.public.forms import KernForm

TOKEN_SALT = "incidents.objection-form"  # noqa: S105 -- a namespace for signing, no secret
MIN_SECONDS = 3
MAX_SECONDS = 2 * 60 * 60


def form_token(use_case_id: int, *, now: float | None = None) -> str:
    """A token that the form for this use case was shown now."""
    return signing.dumps({"u": use_case_id, "t": int(now or time.time())}, salt=TOKEN_SALT)


class ObjectionForm(KernForm):
    statement = forms.CharField(
        label=_("Ihr Anliegen"),
        help_text=_(
            "Welche Entscheidung oder welches Ergebnis soll ein Mensch prüfen, und warum? "
            "Nennen Sie ein Aktenzeichen, wenn Sie eines haben."
        ),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )
    name = forms.CharField(label=_("Ihr Name"), max_length=200, required=False)
    email = forms.EmailField(
        label=_("Ihre E-Mail-Adresse"),
        required=False,
        help_text=_("Dorthin senden wir die Eingangsbestätigung und das Ergebnis."),
    )
    postal_address = forms.CharField(
        label=_("Ihre Anschrift"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Falls Sie das Ergebnis per Brief erhalten möchten."),
    )
    consent = forms.BooleanField(
        label=_(
            "Ich willige ein, dass meine Angaben gespeichert und zur Bearbeitung meines "
            "Widerspruchs verwendet werden. Sie werden nach Abschluss gelöscht, sobald die "
            "Aufbewahrungsfrist der Organisation abgelaufen ist. Ich kann die Einwilligung "
            "jederzeit widerrufen."
        ),
        required=False,
    )
    # The honeypot: hidden from people by CSS and from assistive technology by aria-hidden.
    website = forms.CharField(label=_("Bitte leer lassen"), required=False)
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, use_case_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.use_case_id = use_case_id
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["consent"].widget.attrs["class"] = "kern-form-check__checkbox"

    def clean_token(self) -> str:
        token: str = self.cleaned_data["token"]
        try:
            value = signing.loads(token, salt=TOKEN_SALT, max_age=MAX_SECONDS)
        except signing.BadSignature as exc:
            raise forms.ValidationError(
                _("Das Formular ist abgelaufen. Bitte laden Sie die Seite neu.")
            ) from exc
        if value.get("u") != self.use_case_id or time.time() - value.get("t", 0) < MIN_SECONDS:
            raise forms.ValidationError(_("Bitte senden Sie das Formular erneut."))
        return token

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("website"):
            raise forms.ValidationError(_("Das Formular konnte nicht gesendet werden."))
        contact = any(data.get(name) for name in ("name", "email", "postal_address"))
        if contact and not data.get("consent"):
            self.add_error(
                "consent",
                _("Bitte willigen Sie ein, damit wir Ihre Kontaktdaten speichern dürfen."),
            )
        return data
