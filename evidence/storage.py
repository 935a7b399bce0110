"""Where document files live: Django's storage named "evidence", under names nobody can guess.

The storage is configured in settings (STORAGES["evidence"]): a directory outside the media and
static roots by default, an S3-compatible bucket through django-storages by setting. Files are
only ever read through the download view, which checks permissions; the storage's own URLs are
never shown to anyone.
"""

import secrets

from django.core.files.storage import Storage, storages


def evidence_storage() -> Storage:
    """The storage of document files (STORAGES["evidence"])."""
    return storages["evidence"]


def new_storage_name() -> str:
    """A fresh name for a stored file: 256 random bits, nothing from the uploader's file name."""
    token = secrets.token_hex(32)
    return f"evidence/{token[:2]}/{token}"
