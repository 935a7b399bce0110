"""Downloads: only through these views, which check who is asking.

Every answer is an attachment under the document's safe file name with the type detected at
upload, `X-Content-Type-Options: nosniff` and a policy that lets nothing in it run, so that no
browser renders a document as a page of this site.
"""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest
from django.views.decorators.http import require_GET

from evidence import selectors
from evidence.models import DocumentVersion
from evidence.permissions import access_document
from evidence.storage import evidence_storage


def file_response(version: DocumentVersion) -> FileResponse:
    try:
        handle = evidence_storage().open(version.file.name, "rb")
    except OSError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=version.file_name,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


@require_GET
@login_required
def download(request: HttpRequest, pk: int, number: int | None = None) -> FileResponse:
    """A version of a document the user may see (the newest without `number`); else 404."""
    document = access_document(request.user, pk)  # type: ignore[arg-type]
    versions = document.versions.order_by("-number")
    version = (versions.filter(number=number) if number is not None else versions).first()
    if version is None:
        raise Http404
    return file_response(version)


@require_GET
def public_download(request: HttpRequest, pk: int) -> FileResponse:
    """The newest version of a document the board published; anything else is 404."""
    document = selectors.published_document(pk)
    version = document.versions.order_by("-number").first() if document is not None else None
    if version is None:
        raise Http404
    return file_response(version)
