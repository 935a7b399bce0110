"""The Atom feed of public changes, read from PublishedUseCase's history (the public change log)."""

from typing import Any

from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from accounts.models import Organisation
from registry.public import selectors

FEED_LENGTH = 50


class ChangesFeed(Feed[tuple[Any, Any], Organisation | None]):
    """What was published, changed or withdrawn, newest first; staff never appear in it."""

    feed_type = Atom1Feed

    def get_object(
        self,
        request: HttpRequest,
        *args: Any,
        organisation: Organisation | None = None,
        **kwargs: Any,
    ) -> Organisation | None:
        # Entry ids must be absolute; the feed instance lives for one request.
        self.request = request
        return organisation

    def title(self, obj: Organisation | None) -> str:
        if obj is None:
            return _("KI-Register: Änderungen")
        return _("KI-Register %(name)s: Änderungen") % {"name": obj.name}

    def subtitle(self, obj: Organisation | None) -> str:
        return _("Neu veröffentlichte, geänderte und zurückgezogene KI-Anwendungsfälle")

    def link(self, obj: Organisation | None) -> str:
        if obj is None:
            return reverse("registry:home")
        return reverse("registry:organisation", args=[obj.slug])

    def author_name(self, obj: Organisation | None) -> str:
        return obj.name if obj is not None else _("KI-Register")

    def items(self, obj: Organisation | None) -> list[tuple[Any, Any]]:
        return selectors.recent_changes(obj, limit=FEED_LENGTH)

    def item_title(self, item: tuple[Any, Any]) -> str:
        version, previous = item
        kind = selectors.change_kind(version, previous)
        labels = {
            "published": _("veröffentlicht"),
            "changed": _("geändert"),
            "withdrawn": _("zurückgezogen"),
        }
        return f"{version.title} – {labels[kind]}"

    def item_description(self, item: tuple[Any, Any]) -> str:
        version, previous = item
        kind = selectors.change_kind(version, previous)
        organisation = version.organisation.name if version.organisation else ""
        if kind == "withdrawn":
            return _("%(organisation)s hat den Eintrag aus dem Register genommen.") % {
                "organisation": organisation
            }
        if kind == "published":
            return _("%(organisation)s hat den Eintrag veröffentlicht: %(text)s") % {
                "organisation": organisation,
                "text": version.short_description,
            }
        labels = selectors.change_labels(
            selectors.public_version_changes(version, previous, version.withheld_now)
        )
        if not labels:
            return _("Die Veröffentlichung wurde bestätigt, ohne dass sich Angaben änderten.")
        return _("Geänderte Angaben: %(fields)s") % {"fields": ", ".join(labels)}

    def item_link(self, item: tuple[Any, Any]) -> str:
        version, _previous = item
        if version.history_type == "-":
            # A withdrawn entry has no page any more.
            return reverse("registry:home")
        return reverse("registry:use_case_version", args=[version.use_case_id, version.history_id])

    def item_guid(self, item: tuple[Any, Any]) -> str:
        version, _previous = item
        path = reverse("registry:use_case", args=[version.use_case_id])
        return self.request.build_absolute_uri(f"{path}#aenderung-{version.history_id}")

    item_guid_is_permalink = False

    def item_pubdate(self, item: tuple[Any, Any]) -> Any:
        return item[0].history_date

    def item_updateddate(self, item: tuple[Any, Any]) -> Any:
        return item[0].history_date

    def item_author_name(self, item: tuple[Any, Any]) -> str:
        version = item[0]
        return version.organisation.name if version.organisation else _("KI-Register")
