from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.admin_scope import (
    OrganisationScopedAdminMixin,
    board_organisations,
    readable_organisations,
)
from accounts.models import Department, Membership, Organisation, User

admin.site.site_header = _("KI-Register – Verwaltung des KI-Gremiums")
admin.site.site_title = _("KI-Register")
admin.site.index_title = _("Übersicht")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Accounts are the installation operator's (superuser) business; boards manage roles."""

    fieldsets = (
        *DjangoUserAdmin.fieldsets,  # type: ignore[misc]
        (_("Identitätsanbieter"), {"fields": ("oidc_issuer", "oidc_subject")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "oidc_issuer", "is_staff")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def has_add_permission(self, request: HttpRequest) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser


@admin.register(Organisation)
class OrganisationAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    organisation_path = "pk"
    list_display = ("name", "ags", "contact_email")
    search_fields = ("name", "ags")
    prepopulated_fields = {"slug": ("name",)}

    def _organisation_id(self, obj: object) -> int:
        return obj.pk  # type: ignore[attr-defined]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Organisation]:
        return admin.ModelAdmin.get_queryset(self, request).filter(
            pk__in=readable_organisations(request)
        )

    def has_add_permission(self, request: HttpRequest, *args: object) -> bool:
        # A new municipality on the installation is the operator's decision.
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return request.user.is_superuser

    def save_model(
        self, request: HttpRequest, obj: Organisation, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            obj.save()
            return
        fields = {
            name: form.cleaned_data[name]
            for name in form.cleaned_data
            if name not in {"name", "slug", "ags"}
        }
        created = services.create_organisation(name=obj.name, slug=obj.slug, ags=obj.ags, **fields)
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(Department)
class DepartmentAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "organisation")
    list_filter = (("organisation", admin.RelatedOnlyFieldListFilter),)
    search_fields = ("name",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "organisation":
            kwargs["queryset"] = board_organisations(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: Department, form: forms.ModelForm, change: bool
    ) -> None:
        if change:
            obj.save()
            return
        created = services.create_department(organisation=obj.organisation, name=obj.name)
        obj.pk = created.pk
        obj._state.adding = False


def _assignable_users(request: HttpRequest) -> QuerySet[User]:
    # People of the board's organisations, and people who have no role anywhere yet.
    return User.objects.filter(
        Q(memberships__organisation__in=board_organisations(request)) | Q(memberships__isnull=True),
        is_active=True,
    ).distinct()


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ("user", "organisation", "role", "departments")

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


@admin.register(Membership)
class MembershipAdmin(OrganisationScopedAdminMixin, admin.ModelAdmin):
    form = MembershipForm
    list_display = ("user", "organisation", "role", "source")
    list_filter = ("role", "source", ("organisation", admin.RelatedOnlyFieldListFilter))
    search_fields = ("user__username", "user__first_name", "user__last_name")
    filter_horizontal = ("departments",)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "organisation":
            kwargs["queryset"] = board_organisations(request)
        if db_field.name == "user":
            kwargs["queryset"] = _assignable_users(request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):  # type: ignore[no-untyped-def]
        if db_field.name == "departments":
            kwargs["queryset"] = Department.objects.filter(
                organisation__in=board_organisations(request)
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # Memberships are written in save_related, once the departments are known.
        pass

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        data = form.cleaned_data
        if change:
            previous = Membership.objects.get(pk=form.instance.pk)
            if (previous.user_id, previous.organisation_id, previous.role) != (
                data["user"].pk,
                data["organisation"].pk,
                data["role"],
            ):
                services.revoke_role(
                    previous.user, organisation=previous.organisation, role=previous.role
                )
        membership = services.grant_role(
            data["user"],
            organisation=data["organisation"],
            role=data["role"],
            departments=data["departments"],
        )
        form.instance.pk = membership.pk
        form.instance._state.adding = False

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        services.revoke_role(obj.user, organisation=obj.organisation, role=obj.role)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Membership]) -> None:
        for membership in queryset.select_related("user", "organisation"):
            self.delete_model(request, membership)
