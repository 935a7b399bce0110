"""The admin's guard against lost updates: a change form saves only over the version it showed.

Each change form carries the version of the object it was rendered from (`loaded_version`); a
save whose version is no longer the current one is refused with who changed what meanwhile,
and the form keeps what was typed, the current version in it, so saving again is deliberate.
"""

from typing import Any

from django import forms
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.db.models import Model
from django.http import HttpRequest, HttpResponse
from django.utils import formats
from django.utils.translation import gettext as _

VERSION_FIELD = "loaded_version"


def history_version(obj: Model) -> str | None:
    """The newest history row of a tracked object as its version (None: not history-tracked)."""
    history = getattr(type(obj), "history", None)
    if history is None:
        return None
    latest = (
        history.filter(id=obj.pk).order_by("-history_id").values_list("history_id", flat=True)
    ).first()
    return str(latest or 0)


def history_changes_since(obj: Model, version: str) -> list[str]:
    """The history rows after `version`, as "when – who: why" lines (the reason each change gave).

    Which fields changed is the field diff's business (registry.history; governance.versions for a
    use case, whose admin overrides this); the lines here name who changed it and why.
    """
    history = type(obj).history  # type: ignore[attr-defined]
    after = int(version) if version.isdigit() and len(version) <= 18 else 0
    rows = (
        history.filter(id=obj.pk, history_id__gt=after)
        .select_related("history_user")
        .order_by("history_id")[:20]
    )
    return [
        _("%(when)s – %(who)s: %(what)s")
        % {
            "when": formats.date_format(row.history_date, "SHORT_DATETIME_FORMAT"),
            "who": row.history_user or _("das System"),
            "what": row.history_change_reason or _("geändert"),
        }
        for row in rows
    ]


class VersionCheckedAdminMixin:
    """Refuses a change form saved over another version than the one it showed.

    The version a change form shows is read before the object (`get_object`): a change
    committed between the two reads makes the version older than the form's data, so saving
    is refused, and never newer, which would let the save overwrite the change unseen.
    """

    def loaded_version(self, obj: Model) -> str | None:
        return history_version(obj)

    def get_object(
        self, request: HttpRequest, object_id: str, from_field: str | None = None
    ) -> Any:
        version: str | None = None
        if from_field is None and request.method == "GET":
            model = self.model  # type: ignore[attr-defined]
            try:
                stand_in = model(pk=model._meta.pk.to_python(unquote(object_id)))
            except (ValueError, TypeError, ValidationError):
                stand_in = None
            if stand_in is not None:
                version = self.loaded_version(stand_in)
        obj = super().get_object(request, object_id, from_field)  # type: ignore[misc]
        if obj is not None and version is not None:
            request._loaded_versions = {  # type: ignore[attr-defined]
                **getattr(request, "_loaded_versions", {}),
                (type(obj), obj.pk): version,
            }
        return obj

    def changes_since(self, obj: Model, version: str) -> list[str]:
        return history_changes_since(obj, version)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form_class = super().get_form(request, obj, change=change, **kwargs)  # type: ignore[misc]
        if obj is None or self.loaded_version(obj) is None:
            return form_class
        admin_ = self

        class VersionCheckedForm(form_class):  # type: ignore[valid-type,misc]
            version_conflict = False

            def clean(self) -> Any:
                data = super().clean()
                posted = self.data.get(VERSION_FIELD)
                if posted is None:
                    return data
                locked = type(obj)._default_manager.select_for_update().get(pk=obj.pk)
                if posted != admin_.loaded_version(locked):
                    self.version_conflict = True
                    changes = admin_.changes_since(locked, posted)
                    raise forms.ValidationError(
                        [
                            _(
                                "Inzwischen hat jemand anderes diesen Datensatz geändert. Es "
                                "wurde nichts gespeichert; Ihre Eingaben stehen weiter im "
                                "Formular. Speichern Sie erneut, wenn Ihre Fassung gelten soll."
                            ),
                            *changes,
                        ],
                        code="stale",
                    )
                return data

        VersionCheckedForm.__name__ = form_class.__name__
        return VersionCheckedForm

    def render_change_form(
        self,
        request: HttpRequest,
        context: dict[str, Any],
        add: bool = False,
        change: bool = False,
        form_url: str = "",
        obj: Any = None,
    ) -> HttpResponse:
        if obj is not None:
            form = context["adminform"].form
            posted = form.data.get(VERSION_FIELD) if form.is_bound else None
            conflict = getattr(form, "version_conflict", False)
            if posted and not conflict:
                context[VERSION_FIELD] = posted
            elif not conflict and (type(obj), obj.pk) in getattr(request, "_loaded_versions", {}):
                context[VERSION_FIELD] = request._loaded_versions[(type(obj), obj.pk)]  # type: ignore[attr-defined]
            else:
                # After a conflict: the version read under the save's row lock, with the changes.
                context[VERSION_FIELD] = self.loaded_version(obj)
        response: HttpResponse = super().render_change_form(  # type: ignore[misc]
            request, context, add=add, change=change, form_url=form_url, obj=obj
        )
        return response
