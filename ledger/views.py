"""The public page of the change log and the download of an organisation's public tree."""

import json
from collections.abc import Iterator

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.models import Organisation
from ledger import selectors
from ledger.models import LogTree

PAGE_SIZE = 50


@require_GET
def change_log(request: HttpRequest) -> HttpResponse:
    """The signed tree heads of every organisation and the keys they verify with."""
    with_trees = LogTree.objects.exclude(organisation_id=None).values("organisation_id")
    organisations = Organisation.objects.filter(pk__in=with_trees).order_by("name", "pk")
    paginator = Paginator(organisations, PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("seite", "1"))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404 from error
    heads = selectors.latest_heads([o.pk for o in page.object_list])
    rows = [
        {
            "organisation": organisation,
            "public": heads.get((organisation.pk, LogTree.Scope.PUBLIC)),
            "internal": heads.get((organisation.pk, LogTree.Scope.INTERNAL)),
        }
        for organisation in page.object_list
    ]
    return render(
        request,
        "ledger/change_log.html",
        {"page": page, "rows": rows, "keys": list(selectors.signing_keys())},
    )


@require_GET
def public_log_download(request: HttpRequest, slug: str) -> StreamingHttpResponse:
    """The organisation's public tree, one JSON object a line, for `tools/verify_log.py`."""
    organisation = selectors.access_log_organisation(slug)
    tree = selectors.tree_of(organisation, LogTree.Scope.PUBLIC)
    if tree is None:
        raise Http404

    def lines() -> Iterator[str]:
        yield json.dumps({"log": tree.log_id, "organisation": organisation.slug}) + "\n"
        for entry in selectors.public_entries(tree):
            yield json.dumps(entry, sort_keys=True) + "\n"

    response = StreamingHttpResponse(lines(), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="protokoll-{organisation.slug}.jsonl"'
    return response
