"""The standards' exports as public downloads (no login), the spreadsheet import, reuse
(Nachnutzung) and IT service providers' templates."""

import secrets
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import quote_etag
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Department, Organisation, ProviderMembership, User
from governance import versions
from governance.services import ConcurrentChange
from interop import changes, imports, jobs
from interop import selectors as interop_selectors
from interop import services as interop_services
from interop.exports import FORMATS, annex_viii
from interop.exports.base import ExportContext
from interop.models import TEMPLATE_FIELDS, Adoption, ImportJob, UseCaseTemplate
from registry import permissions
from registry.api.problems import api_not_found
from registry.models import UseCase
from registry.public import selectors
from registry.public.caching import cache_headers, not_modified, public_etag


def _site_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")


@require_GET
def standard_export(request: HttpRequest, code: str, slug: str | None = None) -> HttpResponseBase:
    """One standard's document of the published register, streamed; unknown formats are 404."""
    export_format = FORMATS.get(code)
    if export_format is None:
        raise Http404
    organisation = selectors.access_public_organisation(slug) if slug else None
    latest = selectors.register_freshness()
    etag = public_etag(request, latest, code)
    cached = not_modified(request, etag, latest)
    if cached is not None:
        return cached
    context = ExportContext(site_url=_site_url(request), organisation=organisation)
    response = StreamingHttpResponse(
        export_format.write(context), content_type=f"{export_format.media_type}; charset=utf-8"
    )
    name = f"ki-register-{organisation.slug}" if organisation else "ki-register"
    response["Content-Disposition"] = (
        f'attachment; filename="{name}-{code}.{export_format.extension}"'
    )
    response["Access-Control-Allow-Origin"] = "*"
    return cache_headers(request, response, etag, latest)


@require_GET
def annex_viii_schema(request: HttpRequest) -> HttpResponseBase:
    """The JSON Schema of the register's Annex VIII Section C format."""
    etag = quote_etag(f"annex-viii-c-{annex_viii.VERSION}")
    cached = get_conditional_response(request, etag=etag)
    if cached is not None:
        return cached
    response = JsonResponse(
        annex_viii.json_schema(request.build_absolute_uri()),
        content_type="application/schema+json",
        json_dumps_params={"ensure_ascii": False, "indent": 2},
    )
    response["Access-Control-Allow-Origin"] = "*"
    patch_cache_control(response, public=True, max_age=settings.PUBLIC_CACHE_MAX_AGE)
    response["ETag"] = etag
    return response


# -- import from a spreadsheet (signed-in people who may register use cases) -----------------

IMPORT_CACHE_SECONDS = 1800


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Datei (CSV, XLSX oder JSON)"))
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        required=False,
        empty_label=_("– bitte wählen –"),
        label=_("Fachbereich für Einträge aus JSON"),
        help_text=_(
            "Nur für JSON-Dateien: Alle Einträge werden als Entwürfe in diesem "
            "Fachbereich angelegt."
        ),
    )
    responsible_role = forms.CharField(
        max_length=200,
        required=False,
        label=_("Fachlich verantwortliche Stelle für Einträge ohne Angabe"),
        help_text=_(
            "Nur für JSON-Dateien: Eine Funktion, kein Personenname. Einträge des "
            "niederländischen Standards nennen keine."
        ),
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = (  # type: ignore[attr-defined]
            permissions.departments_creatable_by(user)
            .select_related("organisation")
            .order_by("organisation__name", "name")
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        upload = cleaned.get("file")
        if upload and upload.name.lower().endswith(".json") and not cleaned.get("department"):
            self.add_error(
                "department", _("Bitte wählen Sie den Fachbereich für die Einträge aus JSON.")
            )
        return cleaned


def _read_upload(
    file_name: str, content: bytes, department: Department | None, role: str
) -> imports.ImportRows:
    if file_name.lower().endswith(".json"):
        return imports.read_json(
            content,
            department_name=department.name if department else "",
            responsible_role=role,
        )
    return imports.ImportRows(imports.read_rows(file_name, content))


def _may_import(request: HttpRequest) -> bool:
    return permissions.departments_creatable_by(request.user).exists()  # type: ignore[arg-type]


def _cache_key(request: HttpRequest, token: str) -> str:
    return f"interop-import:{request.user.pk}:{token}"


@require_http_methods(["GET", "POST"])
@login_required
def import_use_cases(request: HttpRequest) -> HttpResponse:
    """Upload a spreadsheet, see the dry run, then import all rows or none."""
    if not _may_import(request):
        raise Http404
    user = cast(User, request.user)
    context: dict[str, Any] = {"form": ImportForm(user=user), "headers": imports.headers()}
    status = 200
    if request.method == "POST" and "token" in request.POST:
        stored = cache.get(_cache_key(request, request.POST["token"]))
        if stored is None:
            messages.error(
                request, _("Die hochgeladene Datei ist abgelaufen. Bitte erneut hochladen.")
            )
            return redirect(reverse("interop:import"))
        # A dry run stored before versions were kept (an upgrade) has none to compare.
        file_name, content, department_id, role, *kept = stored
        department = (
            permissions.departments_creatable_by(user).filter(pk=department_id).first()
            if department_id
            else None
        )
        try:
            plan = imports.apply_import(
                user,
                file_name,
                _read_upload(file_name, content, department, role),
                seen=kept[0] if kept else None,
            )
        except imports.ImportFileError as error:
            messages.error(request, str(error))
            return redirect(reverse("interop:import"))
        except imports.ImportRefused as refused:
            context.update(plan=refused.plan)
            status = 400
        else:
            cache.delete(_cache_key(request, request.POST["token"]))
            messages.success(
                request,
                ngettext(
                    "%(count)s Zeile wurde importiert.",
                    "%(count)s Zeilen wurden importiert.",
                    len(plan.rows),
                )
                % {"count": len(plan.rows)},
            )
            return redirect(reverse("workspace:index"))
    elif request.method == "POST":
        form = ImportForm(request.POST, request.FILES, user=user)
        context["form"] = form
        if form.is_valid():
            upload = form.cleaned_data["file"]
            department = form.cleaned_data["department"]
            role = form.cleaned_data["responsible_role"]
            content = upload.read(imports.MAX_BYTES + 1)
            try:
                rows = _read_upload(upload.name, content, department, role)
            except imports.ImportFileError as error:
                form.add_error("file", str(error))
                status = 400
            else:
                if len(rows.rows) > jobs.BACKGROUND_ROWS:
                    job = interop_services.start_import_job(
                        actor=user,
                        file_name=upload.name,
                        content=content,
                        department=department,
                        responsible_role=role,
                        total_rows=len(rows.rows),
                    )
                    return redirect(reverse("interop:import_job", args=[job.pk]))
                plan = imports.plan_import(user, upload.name, rows)
                token = secrets.token_urlsafe(16)
                # The versions the dry run showed go with the file: the confirmation refers
                # to them (a use case changed meanwhile refuses the import).
                cache.set(
                    _cache_key(request, token),
                    (
                        upload.name,
                        content,
                        department.pk if department else None,
                        role,
                        imports.seen_versions(plan),
                    ),
                    IMPORT_CACHE_SECONDS,
                )
                context.update(plan=plan, token=token)
                status = 200 if plan.ok else 400
        else:
            status = 400
    return render(request, "interop/import.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def import_job(request: HttpRequest, job_id: int) -> HttpResponse:
    """A big import's progress, its dry run and (POST) the confirmation; reload to update."""
    if not _may_import(request):
        raise Http404
    user = cast(User, request.user)
    job = interop_selectors.access_import_job(user, job_id)
    status = 200
    if request.method == "POST":
        try:
            job = interop_services.confirm_import_job(job, actor=user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            status = 400
        else:
            return redirect(reverse("interop:import_job", args=[job.pk]))
    done, total = jobs.progress(job)
    errors = [
        (row["number"], column, message) for row in job.plan for column, message in row["errors"]
    ]
    context = {
        "job": job,
        "done": done,
        "total": total,
        "percent": round(100 * done / total) if total else 100,
        "errors": errors,
        "rows": job.plan[: jobs.PAGE_ROWS],
        "more_rows": max(len(job.plan) - jobs.PAGE_ROWS, 0),
        "running": job.status in (ImportJob.Status.PLANNING, ImportJob.Status.APPLYING),
    }
    return render(request, "interop/import_job.html", context, status=status)


@require_GET
@login_required
def import_template(request: HttpRequest, extension: str) -> HttpResponse:
    """The import template with its German header row, as CSV or XLSX."""
    if not _may_import(request):
        raise Http404
    if extension == "csv":
        response = HttpResponse(imports.template_csv(), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(
            imports.template_xlsx(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="ki-register-vorlage.{extension}"'
    return response


# -- reuse between municipalities (Nachnutzung) ----------------------------------------------


class AdoptForm(forms.Form):
    department = forms.ModelChoiceField(
        queryset=Department.objects.none(),
        label=gettext_lazy("In welchem Fachbereich?"),
        empty_label=None,
    )

    def __init__(self, *args: Any, departments: QuerySet[Department], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@login_required
def adopt(request: HttpRequest, use_case_id: int) -> HttpResponse:
    """Adopt another organisation's published use case as a new draft in one's own department."""
    record = selectors.access_published_use_case(use_case_id)
    user = cast(User, request.user)
    departments = (
        permissions.departments_creatable_by(user)
        .exclude(organisation_id=record.organisation_id)
        .select_related("organisation")
        .order_by("organisation__name", "name")
    )
    if not departments.exists():
        raise Http404
    form = AdoptForm(request.POST or None, departments=departments)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                use_case = interop_services.adopt_use_case(
                    record, actor=user, department=form.cleaned_data["department"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    _("Der Anwendungsfall wurde als Entwurf übernommen. Bitte prüfen Sie ihn."),
                )
                return redirect(reverse("workspace:detail", args=[use_case.pk]))
        status = 400
    return render(request, "interop/adopt.html", {"form": form, "record": record}, status=status)


class SourceChangesForm(forms.Form):
    take = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label=_("Übernehmen")
    )
    version = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, names: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["take"].choices = [(name, name) for name in names]  # type: ignore[attr-defined]


@require_http_methods(["GET", "POST"])
@login_required
def source_changes(request: HttpRequest, use_case_id: int) -> HttpResponse:
    """The changes of an adopted use case's source since last reviewed, field by field with
    old and new value; the chosen ones are taken over (a stale page is refused)."""
    user = cast(User, request.user)
    # Before the use case is read (governance.versions): never newer than what the page shows.
    loaded = versions.use_case_version(use_case_id)
    use_case = permissions.access_use_case(user, use_case_id, perm=permissions.CHANGE)
    adoption = (
        Adoption.objects.select_related("source_organisation", "source__publication")
        .filter(use_case=use_case)
        .first()
    )
    if adoption is None:
        raise Http404
    found = changes.source_changes(adoption)
    form = SourceChangesForm(
        request.POST or None,
        names=[change.name for change in found],
        initial={"version": loaded},
    )
    status = 200
    conflict: list[Any] = []
    conflict_version = ""
    if request.method == "POST":
        if form.is_valid():
            try:
                interop_services.take_over_source_changes(
                    adoption,
                    actor=user,
                    fields=form.cleaned_data["take"],
                    expected_version=form.cleaned_data["version"],
                )
            except ConcurrentChange as stale:
                conflict = list(stale.changes)
                conflict_version = stale.version
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    ngettext(
                        "Eine Änderung der Vorlage wurde übernommen.",
                        "%(count)s Änderungen der Vorlage wurden übernommen.",
                        len(form.cleaned_data["take"]),
                    )
                    % {"count": len(form.cleaned_data["take"])}
                    if form.cleaned_data["take"]
                    else _("Die Änderungen der Vorlage wurden als gesehen vermerkt."),
                )
                return redirect(reverse("workspace:detail", args=[use_case.pk]))
        status = 409 if conflict else 400
    chosen = set(form["take"].value() or []) if request.method == "POST" else set()
    return render(
        request,
        "interop/source_changes.html",
        {
            "use_case": use_case,
            "adoption": adoption,
            "record": changes.current_source(adoption),
            "changes": found,
            "chosen": chosen,
            "form": form,
            "version": conflict_version
            if conflict
            else (loaded if request.method == "GET" else form.data.get("version", "")),
            "conflict": conflict,
        },
        status=status,
    )


@require_GET
def api_standard_export(
    request: HttpRequest, code: str, slug: str | None = None
) -> HttpResponseBase:
    """The same export in the public API; an unknown format or organisation is a problem
    document (404) like every other API error."""
    try:
        return standard_export(request, code, slug)
    except Http404:
        response: HttpResponseBase = api_not_found(request)
        return response


# -- IT service providers' templates ----------------------------------------------------------


def _kern(field: forms.Field) -> None:
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput):
        widget.attrs["class"] = "kern-form-check__checkbox"
    elif isinstance(widget, forms.Select):
        widget.attrs["class"] = "kern-form-input__select"
    else:
        widget.attrs["class"] = "kern-form-input__input"
    if isinstance(widget, forms.Textarea):
        widget.attrs.setdefault("rows", 3)


def _lines(text: str, width: int) -> list[list[str]]:
    rows = []
    for line in text.splitlines():
        if line.strip():
            parts = [part.strip() for part in line.split("|")]
            rows.append((parts + [""] * width)[:width] if len(parts) <= width else parts)
    return rows


class TemplateForm(forms.Form):
    """A template's title, the use case fields it carries and its legal bases and services."""

    provider = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        label=gettext_lazy("IT-Dienstleister"),
        empty_label=None,
    )
    title = forms.CharField(label=gettext_lazy("Bezeichnung"), max_length=200)
    legal_bases = forms.CharField(
        label=gettext_lazy("Rechtsgrundlagen"),
        required=False,
        widget=forms.Textarea,
        help_text=gettext_lazy(
            "Eine je Zeile: Gesetz | Fundstelle | Link (optional), "
            "z. B. „DSGVO | Art. 6 Abs. 1 lit. e“."
        ),
    )
    public_services = forms.CharField(
        label=gettext_lazy("Verwaltungsleistungen"),
        required=False,
        widget=forms.Textarea,
        help_text=gettext_lazy(
            "Eine je Zeile: LeiKa-Schlüssel (14 Ziffern) | Bezeichnung (optional)."
        ),
    )
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, providers: QuerySet[Organisation] | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if providers is None:
            del self.fields["provider"]
        else:
            self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        for name in TEMPLATE_FIELDS:
            field = UseCase._meta.get_field(name).formfield()  # type: ignore[union-attr]
            assert field is not None  # every template field is an editable model field
            field.required = False
            self.fields[name] = field
        for field in self.fields.values():
            _kern(field)
        self._describe()

    def _describe(self) -> None:
        # Hint and error are tied to the control for screen readers (workspace/_field.html ids).
        errors = self._errors or {}  # type: ignore[attr-defined]
        for name, field in self.fields.items():
            bound = self[name]
            described = [f"{bound.auto_id}_hint"] if field.help_text else []
            if name in errors:
                described.append(f"{bound.auto_id}_error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)

    def full_clean(self) -> None:
        super().full_clean()
        self._describe()

    def clean_legal_bases(self) -> list[dict[str, str]]:
        rows = _lines(self.cleaned_data["legal_bases"], 3)
        for number, row in enumerate(rows, start=1):
            if len(row) != 3 or not row[0] or not row[1]:
                raise ValidationError(
                    _("Zeile %(number)s: bitte „Gesetz | Fundstelle“ und höchstens einen Link.")
                    % {"number": number}
                )
        return [{"law": law, "provision": provision, "url": url} for law, provision, url in rows]

    def clean_public_services(self) -> list[dict[str, str]]:
        rows = _lines(self.cleaned_data["public_services"], 2)
        for number, row in enumerate(rows, start=1):
            if len(row) != 2 or not row[0]:
                raise ValidationError(
                    _("Zeile %(number)s: bitte „LeiKa-Schlüssel | Bezeichnung“.")
                    % {"number": number}
                )
        return [{"leika_key": key, "name": name} for key, name in rows]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "title": data["title"],
            "content": {name: "" if data[name] is None else data[name] for name in TEMPLATE_FIELDS},
            "legal_bases": data["legal_bases"],
            "public_services": data["public_services"],
        }

    def add_service_error(self, error: ValidationError) -> None:
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, problems in error.message_dict.items():
            self.add_error(name if name in self.fields else None, ValidationError(problems))
        self._describe()

    def problems(self, error: ValidationError) -> list[str]:
        """A service's refusal as sentences naming each field (for an unbound form)."""
        if not hasattr(error, "error_dict"):
            return list(error.messages)
        return [
            f"{self.fields[name].label}: {' '.join(messages)}"
            if name in self.fields
            else " ".join(messages)
            for name, messages in error.message_dict.items()
        ]


def _template_initial(template: UseCaseTemplate) -> dict[str, Any]:
    content = template.content or {}
    return {
        "title": template.title,
        **{name: content.get(name, "") for name in TEMPLATE_FIELDS},
        "legal_bases": "\n".join(
            " | ".join(filter(None, (b.get("law"), b.get("provision"), b.get("url"))))
            for b in template.legal_bases
        ),
        "public_services": "\n".join(
            " | ".join(filter(None, (s.get("leika_key"), s.get("name"))))
            for s in template.public_services
        ),
        "version": interop_selectors.template_version(template),
    }


@require_GET
@login_required
def templates_index(request: HttpRequest) -> HttpResponse:
    """ "Vorlagen Ihres IT-Dienstleisters" to adopt with one click, and, for a provider's staff,
    the provider's own templates."""
    user = cast(User, request.user)
    offered = list(interop_selectors.templates_offered_to(user))
    provider_ids = {t.organisation_id for t in offered}
    creatable = list(
        permissions.departments_creatable_by(user)
        .filter(organisation__provider_memberships__provider_id__in=provider_ids)
        .select_related("organisation")
        .order_by("organisation__name", "name")
        .distinct()
    )
    members: dict[int, set[int]] = {}
    for provider_id, organisation_id in ProviderMembership.objects.filter(
        provider_id__in=provider_ids,
        organisation_id__in={d.organisation_id for d in creatable},
    ).values_list("provider_id", "organisation_id"):
        members.setdefault(provider_id, set()).add(organisation_id)
    choices = [
        (
            template,
            [
                d
                for d in creatable
                if d.organisation_id in members.get(template.organisation_id, set())
            ],
        )
        for template in offered
    ]
    managed = list(interop_selectors.templates_managed_by(user).order_by("title", "pk"))
    may_create = interop_selectors.providers_managed_by(user).exists()
    return render(
        request,
        "interop/templates.html",
        {"offered": choices, "managed": managed, "may_create": may_create},
    )


def _render_form(
    request: HttpRequest, form: TemplateForm, template: UseCaseTemplate | None, status: int
) -> HttpResponse:
    return render(
        request, "interop/template_form.html", {"form": form, "template": template}, status=status
    )


@require_http_methods(["GET", "POST"])
@login_required
def template_create(request: HttpRequest) -> HttpResponse:
    """A new draft template, by the staff of an IT service provider."""
    user = cast(User, request.user)
    providers = interop_selectors.providers_managed_by(user)
    if not providers.exists():
        raise Http404
    form = TemplateForm(request.POST or None, providers=providers)
    if request.method == "POST":
        if form.is_valid():
            try:
                template = interop_services.create_template(
                    actor=user,
                    provider=form.cleaned_data["provider"],
                    **form.values(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Die Vorlage wurde als Entwurf angelegt."))
                return redirect(reverse("interop:template", args=[template.pk]))
        return _render_form(request, form, None, 400)
    return _render_form(request, form, None, 200)


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Grund für das Zurückziehen"), max_length=500)


@require_http_methods(["GET", "POST"])
@login_required
def template_edit(request: HttpRequest, template_id: int) -> HttpResponse:
    """Edit, publish or withdraw one of the provider's templates (its staff only)."""
    user = cast(User, request.user)
    template = interop_selectors.access_template(user, template_id, manage=True)
    action = request.POST.get("action", "save") if request.method == "POST" else ""
    form = TemplateForm(
        request.POST if action == "save" else None,
        providers=None,
        initial=_template_initial(template),
    )
    withdraw = WithdrawForm(request.POST if action == "withdraw" else None)
    refused: list[str] = []
    if action == "save":
        if form.is_valid():
            try:
                interop_services.update_template(
                    template,
                    actor=user,
                    expected_version=form.cleaned_data["version"],
                    **form.values(),
                )
            except ValidationError as error:
                form.add_service_error(error)
            else:
                messages.success(request, _("Die Vorlage wurde gespeichert."))
                return redirect(reverse("interop:template", args=[template.pk]))
    elif action == "publish":
        try:
            interop_services.publish_template(template, actor=user)
        except ValidationError as error:
            refused = form.problems(error)
        else:
            messages.success(
                request, _("Die Vorlage ist für die Mitgliedskommunen veröffentlicht.")
            )
            return redirect(reverse("interop:template", args=[template.pk]))
    elif action == "withdraw" and withdraw.is_valid():
        try:
            interop_services.withdraw_template(
                template, actor=user, reason=withdraw.cleaned_data["reason"]
            )
        except ValidationError as error:
            withdraw.add_error(None, error)
        else:
            messages.success(request, _("Die Vorlage wurde zurückgezogen."))
            return redirect(reverse("interop:template", args=[template.pk]))
    status = 400 if action else 200
    return render(
        request,
        "interop/template_form.html",
        {
            "form": form,
            "withdraw": withdraw,
            "template": template,
            "refused": refused,
            "adopters": interop_selectors.template_adopters(template.pk),
        },
        status=status,
    )


@require_http_methods(["POST"])
@login_required
def template_adopt(request: HttpRequest, template_id: int) -> HttpResponse:
    """Adopt an IT service provider's published template with one click: a new draft in the
    chosen department of a member municipality."""
    user = cast(User, request.user)
    template = interop_selectors.access_template(user, template_id, manage=False)
    departments = interop_selectors.adopting_departments(user, template)
    if not template.is_published or not departments.exists():
        raise Http404
    form = AdoptForm(request.POST, departments=departments)
    if form.is_valid():
        try:
            use_case = interop_services.adopt_template(
                template, actor=user, department=form.cleaned_data["department"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                _("Die Vorlage wurde als Entwurf übernommen. Bitte prüfen Sie ihn."),
            )
            return redirect(reverse("workspace:detail", args=[use_case.pk]))
    else:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
    return redirect(reverse("interop:templates"))


@require_GET
def public_template(request: HttpRequest, template_id: int) -> HttpResponse:
    """The public page of a published template ("Vorlage von …") with who adopted it."""
    template = interop_selectors.public_template(template_id)
    content = template.content or {}
    shown = [
        (UseCase._meta.get_field(name).verbose_name, _display(name, content.get(name)))  # type: ignore[union-attr]
        for name in TEMPLATE_FIELDS
        if content.get(name) not in (None, "")
    ]
    return render(
        request,
        "interop/template_public.html",
        {
            "template": template,
            "shown": shown,
            "adopters": interop_selectors.template_adopters(template.pk),
        },
    )


def _display(name: str, value: Any) -> str:
    field = UseCase._meta.get_field(name)
    if isinstance(value, bool):
        return _("ja") if value else _("nein")
    choices = dict(field.choices or ())  # type: ignore[union-attr]
    return str(choices.get(value, value))
