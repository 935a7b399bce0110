"""Uploads stop at the size limit while the body is read, not after it was stored.

The first of Django's upload handlers (FILE_UPLOAD_HANDLERS): a body whose declared length
exceeds API_MAX_UPLOAD_BYTES is refused before its file's first byte is read, and a file that
grows past EVIDENCE_MAX_UPLOAD_BYTES (a chunked body declares no length) is refused at that
byte. The rest of the body is not read (StopUpload with connection_reset); the fields before
the file (the CSRF token, the form's fields — so forms put the file input last) stay, and
`upload_too_large(request)` tells the view why the file is missing.
"""

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

_FLAG = "_evidence_upload_too_large"


def upload_too_large(request: Any) -> bool:
    """Whether the request's file was refused for its size while it was read."""
    return bool(getattr(request, _FLAG, False))


class BoundedUploadHandler(FileUploadHandler):
    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.body_length = 0
        self.received = 0

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        boundary: Any,
        encoding: str | None = None,
    ) -> None:
        self.body_length = content_length or 0

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0
        if self.body_length > settings.API_MAX_UPLOAD_BYTES:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.EVIDENCE_MAX_UPLOAD_BYTES:
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, _FLAG, True)
        raise StopUpload(connection_reset=True)
