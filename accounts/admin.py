import json
from typing import Any, TypeVar, cast

from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.db.models import ForeignKey, ManyToManyField, Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

import safejson
from accounts import logos, services
from accounts.admin_history import LabelledHistoryAdmin
from accounts.admin_scope import (
    OrganisationScopedAdminMixin,
    acting_user,
    board_organisations,
    readable_organisations,
)
from accounts.claims import evaluate_claims, validate_rule
from accounts.models import (
    ApiClient,
    ClaimMappingRule,
    Department,
    Membership,
    Organisation,
    ProviderMembership,
    User,
)
from accounts.roles import is_operator
from accounts.selectors import role_history_of

admin.site.site_header = _("KI-Register – Verwaltung des KI-Gremiums")
admin.site.site_title = _("KI-Register")
admin.site.index_title = _("Übersicht")


def _created() -> str:
    return gettext("im Admin angelegt")


def _changed() -> str:
    return gettext("im Admin geändert")


def _deleted() -> str:
    return gettext("im Admin gelöscht")


@admin.register(User)
class UserAdmin(DjangoUserAdmin[User]):
    """Accounts are the installation operator's (superuser) business; boards manage roles."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Identitätsanbieter"), {"fields": ("oidc_issuer", "oidc_subject")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "oidc_issuer", "is_staff")
    readonly_fields = ("role_history",)

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return (*fieldsets, (_("Rollen"), {"fields": ("role_history",)}))

    @admin.display(description=_("Rollen"))
    def role_history(self, obj: User) -> str:
        return _role_history_link(obj.pk)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_operator(request.user)


class _CurrentLogo:
    """The stored logo as Django's file input shows it: linked to its public address."""

    def __init__(self, url: str, label: str) -> None:
        self.url = url
        self.label = label

    def __str__(self) -> str:
        return self.label


class LogoInput(forms.ClearableFileInput):
    """The logo's file input: PNG and JPEG only; the current logo links to the logo view, never
    to a storage URL (the media directory is served by no one)."""

    current: _CurrentLogo | None = None

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"accept": "image/png,image/jpeg", **(attrs or {})})

    def is_initial(self, value: object) -> bool:
        return bool(value and getattr(value, "name", ""))

    def format_value(self, value: object) -> Any:
        return self.current if self.is_initial(value) else None


class OrganisationAdminForm(forms.ModelForm[Organisation]):
    """The organisation's change form: the logo checked as accounts.logos checks it (the
    admin's own fields and widgets as usual; the logo's input is OrganisationAdmin's)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields.get("logo")
        if not isinstance(field, forms.FileField):
            return
        # The uploader's file name is never kept: its length must not refuse a logo.
        field.max_length = None
        if self.instance.pk and self.instance.logo:
            url = reverse(
                "registry:organisation_logo", args=[self.instance.slug, self.instance.logo_key]
            )
            field.widget.current = _CurrentLogo(
                url, gettext("Logo: %(name)s") % {"name": self.instance.name}
            )

    def clean_logo(self) -> Any:
        upload = self.cleaned_data.get("logo")
        if isinstance(upload, UploadedFile):
            try:
                logos.check_logo(upload)
            except ValidationError as error:
                raise forms.ValidationError(error.message_dict["logo"]) from None
        return upload


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdminMixin, LabelledHistoryAdmin):
    organisation_path = "pk"
    form = OrganisationAdminForm
    formfield_overrides = {models.FileField: {"widget": LogoInput}}
    list_display = ("name", "ags", "contact_email")
    search_fields = ("name", "ags")
    prepopulated_fields = {"slug": ("name",)}

    def _organisation_id(self, obj: object) -> int:
        return cast(Organisation, obj).pk

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return admin.ModelAdmin.get_queryset(self, request).filter(
            pk__in=readable_organisations(request)
        )

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        # A new municipality on the installation is the operator's decision.
        return is_operator(request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        # Whether an organisation is an IT service provider is the operator's decision, too.
        readonly: tuple[str, ...] = () if is_operator(request.user) else ("kind",)
        if obj is not None and not self.has_change_permission(request, obj):
            # Read-only, the admin would link the file's storage URL; the logo view instead.
            readonly = (*readonly, "logo_shown")
        return readonly

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        fields = super().get_fields(request, obj)
        if "logo_shown" in fields:
            return [name for name in fields if name != "logo"]
        return fields

    @admin.display(description=_("Logo"))
    def logo_shown(self, obj: Organisation) -> str:
        if not obj.logo:
            return "–"
        url = reverse("registry:organisation_logo", args=[obj.slug, obj.logo_key])
        return format_html(
            '<a href="{}">{}</a>', url, gettext("Logo: %(name)s") % {"name": obj.name}
        )

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_operator(request.user)

    def save_model(
        self,
        request: HttpRequest,
        obj: Organisation,
        form: forms.ModelForm[Organisation],
        change: bool,
    ) -> None:
        actor = acting_user(request)
        if change:
            changed = {
                n: form.cleaned_data[n]
                for n in form.changed_data
                if n in services.ORGANISATION_FIELDS
            }
            services.update_organisation(
                Organisation.objects.get(pk=obj.pk), actor=actor, reason=_changed(), **changed
            )
            return
        fields = {
            name: form.cleaned_data[name]
            for name in form.cleaned_data
            if name not in {"name", "slug", "ags"}
        }
        created = services.create_organisation(
            actor=actor, reason=_created(), name=obj.name, slug=obj.slug, ags=obj.ags, **fields
        )
        obj.pk = created.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Organisation) -> None:
        services.delete_organisation(obj, actor=acting_user(request), reason=_deleted())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Organisation]) -> None:
        for organisation in queryset:
            self.delete_model(request, organisation)


@admin.register(Department)
class DepartmentAdmin(OrganisationScopedAdminMixin, LabelledHistoryAdmin):
    list_display = ("name", "organisation")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name",)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "organisation":
            kwargs["queryset"] = board_organisations(request)
        field: forms.ModelChoiceField[Any] | None = super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )
        return field

    def save_model(
        self, request: HttpRequest, obj: Department, form: forms.ModelForm[Department], change: bool
    ) -> None:
        actor = acting_user(request)
        if change:
            changed = {
                n: form.cleaned_data[n]
                for n in form.changed_data
                if n in services.DEPARTMENT_FIELDS
            }
            services.update_department(
                Department.objects.get(pk=obj.pk), actor=actor, reason=_changed(), **changed
            )
            return
        created = services.create_department(
            actor=actor, reason=_created(), organisation=obj.organisation, name=obj.name
        )
        obj.pk = created.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Department) -> None:
        services.delete_department(obj, actor=acting_user(request), reason=_deleted())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Department]) -> None:
        for department in queryset:
            self.delete_model(request, department)


def _role_history_link(user_id: int) -> str:
    url = reverse("admin:accounts_membership_role_history", args=[user_id])
    return format_html('<a href="{}">{}</a>', url, _("Rollenverlauf"))


def _assignable_users(request: HttpRequest) -> QuerySet[User]:
    # People of the board's organisations, and people who have no role anywhere yet (never the
    # operator or another system's service user).
    return User.objects.filter(
        Q(memberships__organisation__in=board_organisations(request)) | Q(memberships__isnull=True),
        is_active=True,
        is_superuser=False,
        api_client__isnull=True,
    ).distinct()


class PersonField(forms.ModelChoiceField[User]):
    """A person named by exact username or e-mail address, never picked from a list.

    A list would show a board every person of the installation who holds no role yet, those of
    other municipalities included; naming someone exactly reveals no one else.
    """

    widget = forms.TextInput

    def to_python(self, value: Any) -> Any:
        text = str(value or "").strip()
        if not text:
            return None
        queryset = self.queryset
        assert queryset is not None  # the admin always passes the assignable people
        match = queryset.filter(Q(username__iexact=text) | Q(email__iexact=text))
        if text.isdigit() and len(text) <= 18:
            match = match | queryset.filter(pk=int(text))
        people = list(match.distinct()[:2])
        if len(people) != 1:
            raise ValidationError(
                _("Keine eindeutige Person mit diesem Benutzernamen oder dieser E-Mail-Adresse."),
                code="invalid_choice",
            )
        return people[0]

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, User):
            return value.username
        if isinstance(value, int | str) and str(value).isdigit() and self.queryset is not None:
            person = self.queryset.filter(pk=value).first()
            return person.username if person is not None else value
        return value


_RoleHolder = TypeVar("_RoleHolder", Membership, ApiClient)


class RoleDepartmentsForm(forms.ModelForm[_RoleHolder]):
    """A role in an organisation with its departments: a membership, or an API client's."""

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        organisation = data.get("organisation")
        departments = list(data.get("departments") or [])
        if organisation and any(d.organisation_id != organisation.pk for d in departments):
            self.add_error("departments", _("Der Fachbereich gehört nicht zu dieser Organisation."))
        if data.get("role") == Membership.Role.DEPARTMENT_HEAD and not departments:
            self.add_error(
                "departments", _("Eine Fachbereichsleitung braucht mindestens einen Fachbereich.")
            )
        return data


class MembershipForm(RoleDepartmentsForm[Membership]):
    reason = forms.CharField(
        label=_("Grund"),
        required=False,
        max_length=2000,
        help_text=_("Steht im Rollenverlauf, z. B. „Beschluss des Gremiums vom 3. März“."),
    )

    class Meta:
        model = Membership
        fields = ("user", "organisation", "role", "departments")


@admin.register(Membership)
class MembershipAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin[Membership]):
    form = MembershipForm
    list_display = ("user", "organisation", "role", "source")
    list_filter = ("role", "source", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__first_name", "user__last_name")
    filter_horizontal = ("departments",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        return ("role_history",) if obj is not None else ()

    @admin.display(description=_("Rollenverlauf"))
    def role_history(self, obj: Membership) -> str:
        return _role_history_link(obj.user_id)

    def get_urls(self) -> list[Any]:
        history = path(
            "person/<id:user_id>/rollenverlauf/",
            self.admin_site.admin_view(self.role_history_view),
            name="accounts_membership_role_history",
        )
        return [history, *super().get_urls()]

    def role_history_view(self, request: HttpRequest, user_id: int) -> HttpResponse:
        """Every change of the person's roles in the organisations the viewer may read."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        person = User.objects.filter(pk=user_id).first()
        entries = role_history_of(person, readable_organisations(request)) if person else []
        if not entries:
            # A person without visible rows is unknown here, like a record of another board.
            raise Http404
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Rollenverlauf von %(person)s") % {"person": person},
            "person": person,
            "entries": entries,
        }
        return TemplateResponse(request, "accounts/role_history.html", context)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "organisation":
            kwargs["queryset"] = board_organisations(request)
        if db_field.name == "user":
            kwargs["queryset"] = _assignable_users(request)
            if not is_operator(request.user):
                kwargs["form_class"] = PersonField
                kwargs["help_text"] = _("Benutzername oder E-Mail-Adresse, genau wie angemeldet.")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(
        self,
        # Quoted: ManyToManyField takes no type arguments at run time.
        db_field: "ManyToManyField[Any, Any]",
        request: HttpRequest,
        **kwargs: Any,
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.name == "departments":
            kwargs["queryset"] = Department.objects.filter(
                organisation__in=board_organisations(request)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Membership, form: MembershipForm, change: bool
    ) -> None:
        # Memberships are written in save_related, once the departments are known.
        pass

    def save_related(
        self, request: HttpRequest, form: MembershipForm, formsets: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        actor = acting_user(request)
        reason = data.get("reason", "").strip()
        if change:
            previous = Membership.objects.get(pk=form.instance.pk)
            if (previous.user_id, previous.organisation_id, previous.role) != (
                data["user"].pk,
                data["organisation"].pk,
                data["role"],
            ):
                services.revoke_role(
                    previous.user,
                    organisation=previous.organisation,
                    role=previous.role,
                    actor=actor,
                    reason=reason or _changed(),
                )
        membership = services.grant_role(
            data["user"],
            organisation=data["organisation"],
            role=data["role"],
            departments=data["departments"],
            actor=actor,
            reason=reason or (_changed() if change else gettext("im Admin vergeben")),
        )
        form.instance.pk = membership.pk
        form.instance._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.revoke_role(
            obj.user,
            organisation=obj.organisation,
            role=obj.role,
            actor=acting_user(request),
            reason=gettext("im Admin entzogen"),
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "organisation"):
            self.delete_model(request, membership)


class ClaimMappingRuleForm(forms.ModelForm[ClaimMappingRule]):
    class Meta:
        model = ClaimMappingRule
        fields = (
            "name",
            "claim_path",
            "match_type",
            "pattern",
            "organisation",
            "role",
            "department",
            "is_active",
        )

    def _post_clean(self) -> None:
        super()._post_clean()  # type: ignore[misc]
        try:
            validate_rule(self.instance)
        except ValidationError as error:
            self._update_errors(error)  # type: ignore[attr-defined]


class ClaimsPreviewForm(forms.Form):
    claims = forms.CharField(
        label=_("Claims als JSON"),
        widget=forms.Textarea(attrs={"rows": 12, "cols": 80}),
        help_text=_('z. B. {"groups": ["ki-gremium"], "realm_access": {"roles": ["dsb"]}}'),
    )

    def clean_claims(self) -> dict[str, Any]:
        try:
            claims = safejson.loads(self.cleaned_data["claims"])
        except safejson.JSONTooComplex as exc:
            raise ValidationError(
                _("Claims: zu tief verschachtelt oder zu viele Werte für eine Vorschau.")
            ) from exc
        except json.JSONDecodeError as exc:
            raise ValidationError(
                _("Claims: kein gültiges JSON (Zeile %(line)s, Spalte %(column)s).")
                % {"line": exc.lineno, "column": exc.colno}
            ) from exc
        except ValueError as exc:
            raise ValidationError(
                _("Claims: kein gültiges JSON (%(error)s).") % {"error": exc}
            ) from exc
        if not isinstance(claims, dict):
            raise ValidationError(_("Claims: erwartet wird ein JSON-Objekt {…}."))
        return claims


@admin.register(ClaimMappingRule)
class ClaimMappingRuleAdmin(OrganisationScopedAdminMixin, LabelledHistoryAdmin):
    """The board's rules from provider groups to roles, with a preview of what claims would grant.

    Rules without an organisation pick it from the claim and so reach every organisation: only
    the installation's operator (superuser) sees and edits them.
    """

    form = ClaimMappingRuleForm
    list_display = (
        "name",
        "claim_path",
        "match_type",
        "pattern",
        "organisation",
        "role",
        "is_active",
    )
    list_filter = ("role", "is_active", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "pattern")
    change_list_template = "accounts/claimmappingrule_change_list.html"

    def get_queryset(self, request: HttpRequest) -> QuerySet[ClaimMappingRule]:
        queryset: QuerySet[ClaimMappingRule] = admin.ModelAdmin.get_queryset(
            self, request
        ).select_related("organisation", "department")
        scope = Q(organisation__in=readable_organisations(request))
        if is_operator(request.user):
            scope |= Q(organisation__isnull=True)
        return queryset.filter(scope)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        if isinstance(obj, ClaimMappingRule) and obj.organisation_id is None:
            return is_operator(request.user)
        return super().has_change_permission(request, obj)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        if isinstance(obj, ClaimMappingRule) and obj.organisation_id is None:
            return is_operator(request.user)
        return super().has_view_permission(request, obj)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "organisation":
            kwargs["queryset"] = board_organisations(request)
            kwargs["required"] = not is_operator(request.user)
        if db_field.name == "department":
            kwargs["queryset"] = Department.objects.filter(
                organisation__in=board_organisations(request)
            ).select_related("organisation")
        field: forms.ModelChoiceField[Any] | None = super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )
        return field

    def save_model(
        self,
        request: HttpRequest,
        obj: ClaimMappingRule,
        form: forms.ModelForm[ClaimMappingRule],
        change: bool,
    ) -> None:
        actor = acting_user(request)
        if change:
            changed = {n: form.cleaned_data[n] for n in form.changed_data}
            services.update_claim_mapping_rule(
                ClaimMappingRule.objects.get(pk=obj.pk), actor=actor, reason=_changed(), **changed
            )
            return
        created = services.create_claim_mapping_rule(
            actor=actor, reason=_created(), **form.cleaned_data
        )
        obj.pk = created.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: ClaimMappingRule) -> None:
        services.delete_claim_mapping_rule(obj, actor=acting_user(request), reason=_deleted())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ClaimMappingRule]) -> None:
        for rule in queryset:
            self.delete_model(request, rule)

    def get_urls(self) -> list[Any]:
        preview = path(
            "vorschau/",
            self.admin_site.admin_view(self.preview_view),
            name="accounts_claimmappingrule_preview",
        )
        return [preview, *super().get_urls()]

    def preview_view(self, request: HttpRequest) -> HttpResponse:
        """What the active rules the user may read would grant for a set of claims."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = ClaimsPreviewForm(request.POST or None)
        evaluation = None
        if request.method == "POST" and form.is_valid():
            rules = self.get_queryset(request).filter(is_active=True)
            evaluation = evaluate_claims(
                form.cleaned_data["claims"],
                rules,
                default_claim_path=settings.OIDC_GROUPS_CLAIM,
                organisation_claim=settings.OIDC_ORGANISATION_CLAIM,
            )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Vorschau: Was gewähren diese Claims?"),
            "form": form,
            "evaluation": evaluation,
        }
        return TemplateResponse(request, "accounts/claim_preview.html", context)


class ApiClientForm(RoleDepartmentsForm[ApiClient]):
    class Meta:
        model = ApiClient
        fields = ("name", "client_id", "organisation", "role", "departments", "is_active")


@admin.register(ApiClient)
class ApiClientAdmin(OrganisationScopedAdminMixin, LabelledHistoryAdmin):
    """Systems that call the API with their own tokens; each acts through its own service user."""

    form = ApiClientForm
    list_display = ("name", "client_id", "organisation", "role", "is_active")
    list_filter = ("role", "is_active", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("name", "client_id")
    filter_horizontal = ("departments",)

    def formfield_for_foreignkey(
        self, db_field: ForeignKey[Any, Any], request: HttpRequest, **kwargs: Any
    ) -> forms.ModelChoiceField[Any] | None:
        if db_field.name == "organisation":
            kwargs["queryset"] = board_organisations(request)
        field: forms.ModelChoiceField[Any] | None = super().formfield_for_foreignkey(
            db_field, request, **kwargs
        )
        return field

    def formfield_for_manytomany(
        self,
        # Quoted: ManyToManyField takes no type arguments at run time.
        db_field: "ManyToManyField[Any, Any]",
        request: HttpRequest,
        **kwargs: Any,
    ) -> forms.ModelMultipleChoiceField[Any] | None:
        if db_field.name == "departments":
            kwargs["queryset"] = Department.objects.filter(
                organisation__in=board_organisations(request)
            )
        field: forms.ModelMultipleChoiceField[Any] | None = super().formfield_for_manytomany(
            db_field, request, **kwargs
        )
        return field

    def save_model(
        self, request: HttpRequest, obj: ApiClient, form: ApiClientForm, change: bool
    ) -> None:
        # Saved in save_related, once the departments are known.
        pass

    def save_related(
        self, request: HttpRequest, form: ApiClientForm, formsets: Any, change: bool
    ) -> None:
        data = form.cleaned_data
        fields = {n: data[n] for n in services.API_CLIENT_FIELDS if n in data}
        actor = acting_user(request)
        if change:
            services.update_api_client(
                ApiClient.objects.select_related("service_user").get(pk=form.instance.pk),
                actor=actor,
                reason=_changed(),
                departments=data["departments"],
                **fields,
            )
            return
        created = services.create_api_client(
            actor=actor, reason=_created(), departments=data["departments"], **fields
        )
        form.instance.pk = created.pk
        form.instance._state.adding = False

    def delete_model(self, request: HttpRequest, obj: ApiClient) -> None:
        services.delete_api_client(obj, actor=acting_user(request), reason=_deleted())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ApiClient]) -> None:
        for api_client in queryset.select_related("service_user"):
            self.delete_model(request, api_client)


class ProviderMembershipForm(forms.ModelForm[ProviderMembership]):
    reason = forms.CharField(label=_("Grund"), max_length=500)

    class Meta:
        model = ProviderMembership
        fields = ("organisation", "provider")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = Organisation.objects.order_by("name")
        self.fields["organisation"].queryset = kinds.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.MUNICIPALITY
        )
        self.fields["provider"].queryset = kinds.filter(  # type: ignore[attr-defined]
            kind=Organisation.Kind.IT_SERVICE_PROVIDER
        )


@admin.register(ProviderMembership)
class ProviderMembershipAdmin(LabelledHistoryAdmin):
    """Municipalities' memberships in IT service providers: the operator's alone, added and
    ended (never changed) through accounts.services with a reason."""

    form = ProviderMembershipForm
    list_display = ("organisation", "provider", "created_at")
    list_filter = (("provider", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("organisation__name", "organisation__ags", "provider__name")

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        # A missing or malformed id is the same 404, on the change and the history page.
        obj = super().get_object(request, object_id, from_field)
        if obj is None:
            raise Http404
        return obj

    def history_view(self, request: HttpRequest, object_id: str, extra_context: Any = None) -> Any:
        self.get_object(request, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_operator(request.user)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return is_operator(request.user)

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return is_operator(request.user)

    def save_model(
        self,
        request: HttpRequest,
        obj: ProviderMembership,
        form: forms.ModelForm[ProviderMembership],
        change: bool,
    ) -> None:
        created = services.add_provider_member(
            form.cleaned_data["provider"],
            organisation=form.cleaned_data["organisation"],
            actor=acting_user(request),
            reason=form.cleaned_data["reason"],
        )
        obj.pk = created.pk
        obj._state.adding = False

    def delete_model(self, request: HttpRequest, obj: ProviderMembership) -> None:
        services.remove_provider_member(obj, actor=acting_user(request), reason=_deleted())

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ProviderMembership]) -> None:
        for membership in queryset:
            self.delete_model(request, membership)
