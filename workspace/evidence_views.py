"""The evidence page of a use case: its documents and those of its obligations, sign-offs and
incidents, each with its versions, and uploading a document or a new version
(evidence.services)."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from accounts.models import User
from evidence import permissions as evidence_permissions
from evidence import selectors as evidence_selectors
from evidence import services as evidence_services
from evidence.models import Document
from evidence.uploads import upload_too_large
from evidence.validation import too_large_message
from governance import selectors as governance_selectors
from incidents import permissions as incident_permissions
from incidents.evidence_targets import INCIDENT
from registry import permissions
from registry.models import UseCase
from workspace.views import _actor, login_required_keeping_post

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class VersionForm(forms.Form):
    evidence_date = forms.DateField(label=gettext_lazy("Stand des Nachweises"), widget=_DATE)
    reason = forms.CharField(
        label=gettext_lazy("Anlass"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    # Last: a file refused for its size while it is read leaves the fields before it intact.
    file = forms.FileField(
        label=gettext_lazy("Datei"),
        help_text=gettext_lazy("PDF, Word, Excel, PowerPoint, OpenDocument, PNG oder JPEG."),
        allow_empty_file=True,
    )


class NewVersionForm(VersionForm):
    # The newest version the page showed: a version uploaded meanwhile refuses this one.
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)


class DocumentForm(VersionForm):
    field_order = ["target", "title", "category", "evidence_date", "reason", "file"]

    title = forms.CharField(label=gettext_lazy("Bezeichnung"), max_length=200)
    category = forms.ChoiceField(
        label=gettext_lazy("Art des Nachweises"), choices=Document.Category.choices
    )
    target = forms.ChoiceField(label=gettext_lazy("Nachweis für"))

    def __init__(self, *args: Any, targets: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["target"].choices = targets  # type: ignore[attr-defined]


def _targets(user: User, use_case: UseCase) -> list[tuple[str, str]]:
    """The use case, its obligations and its incidents, as far as the user may attach to them."""
    choices = []
    incidents = incident_permissions.incidents_visible_to(user).filter(use_case=use_case)
    for key, pk, label in [
        ("use_case", use_case.pk, _("den Anwendungsfall insgesamt")),
        *(
            ("obligation", item.pk, str(item.get_obligation_display()))
            for item in governance_selectors.obligation_items_of(use_case)
        ),
        *(
            (INCIDENT, incident.pk, _("Störung „%(title)s“") % {"title": incident.title})
            for incident in incidents.order_by("-aware_at", "-pk")
        ),
    ]:
        try:
            evidence_permissions.access_target(user, key, pk, attach=True)
        except PermissionDenied:
            continue
        choices.append((f"{key}:{pk}", str(label)))
    return choices


def _errors(form: forms.Form, exc: ValidationError) -> None:
    for field, errors in exc.message_dict.items():
        form.add_error(field if field in form.fields else None, errors)


def _newest_number(document: Document) -> int:
    newest = evidence_selectors.latest_version(document)
    return newest.number if newest is not None else 0


def _file_error(request: HttpRequest, form: forms.Form) -> bool:
    if upload_too_large(request):
        form.add_error("file", too_large_message())
        return True
    return False


@require_http_methods(["GET", "POST"])
@login_required_keeping_post
def evidence(request: HttpRequest, pk: int) -> HttpResponse:
    """List and upload the documents of one use case."""
    user = _actor(request)
    use_case = permissions.access_use_case(user, pk)
    targets = _targets(user, use_case)
    # A record's page links here with its target chosen ("Unterlage hinzufügen" on an incident).
    chosen = request.GET.get("target", "")
    form = DocumentForm(
        targets=targets, initial={"target": chosen} if chosen in dict(targets) else None
    )
    version_forms: dict[int, NewVersionForm] = {}
    status = 200
    if request.method == "POST":
        if not targets:
            raise PermissionDenied(_("Sie dürfen hier keine Dokumente hinzufügen."))
        action = request.POST.get("action", "")
        if action.startswith("version:"):
            document = evidence_permissions.access_document(user, action.split(":", 1)[1])
            version_form = NewVersionForm(request.POST, request.FILES, prefix=f"v{document.pk}")
            if not _file_error(request, version_form) and version_form.is_valid():
                data = version_form.cleaned_data
                try:
                    evidence_services.add_document_version(
                        document,
                        actor=user,
                        file=data["file"],
                        file_name=data["file"].name or "",
                        evidence_date=data["evidence_date"],
                        reason=data["reason"],
                        expected_latest=data["version"],
                    )
                except ValidationError as exc:
                    _errors(version_form, exc)
                else:
                    messages.success(request, _("Die neue Version ist gespeichert."))
                    return redirect("workspace:evidence", pk=use_case.pk)
            version_forms[document.pk] = version_form
        else:
            form = DocumentForm(request.POST, request.FILES, targets=targets)
            if not _file_error(request, form) and form.is_valid():
                data = form.cleaned_data
                kind, target_id = data["target"].split(":", 1)
                try:
                    evidence_services.attach_document(
                        actor=user,
                        target_kind=kind,
                        target_id=target_id,
                        title=data["title"],
                        category=data["category"],
                        file=data["file"],
                        file_name=data["file"].name or "",
                        evidence_date=data["evidence_date"],
                        reason=data["reason"],
                    )
                except ValidationError as exc:
                    _errors(form, exc)
                else:
                    messages.success(request, _("Das Dokument ist gespeichert."))
                    return redirect("workspace:evidence", pk=use_case.pk)
        status = 400
    documents = list(evidence_selectors.documents_of_use_case(user, use_case.pk))
    labels = dict(targets)
    rows = [
        {
            "document": document,
            "versions": list(document.versions.all()),
            "target": labels.get(f"{document.target_kind}:{document.target_id}", ""),
            "can_add_version": f"{document.target_kind}:{document.target_id}" in labels,
            "version_form": version_forms.get(document.pk)
            or NewVersionForm(
                prefix=f"v{document.pk}", initial={"version": _newest_number(document)}
            ),
        }
        for document in documents
    ]
    errors = [
        {
            "id": form[name].auto_id if name in form.fields else "",
            "label": form[name].label if name in form.fields else "",
            "message": message,
        }
        for name, messages_ in form.errors.items()
        for message in messages_
    ]
    context = {
        "use_case": use_case,
        "rows": rows,
        "form": form if targets else None,
        "errors": errors,
    }
    return render(request, "workspace/evidence.html", context, status=status)
