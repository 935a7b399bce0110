"""The content decides a file's type, never its name: what is allowed and what is refused."""

import io

import pytest
from django.core.exceptions import ValidationError

from evidence.validation import (
    DOCX,
    JPEG,
    ODT,
    PDF,
    PNG,
    check_upload,
    safe_file_name,
)
from tests.evidence import files


def _check(content: bytes, name: str = "nachweis.pdf"):
    return check_upload(io.BytesIO(content), name)


def _refusal(content: bytes, name: str = "nachweis.pdf") -> str:
    with pytest.raises(ValidationError) as excinfo:
        _check(content, name)
    return " ".join(excinfo.value.message_dict["file"])


@pytest.mark.parametrize(
    ("content", "expected", "extension"),
    [
        (files.pdf(), PDF, ".pdf"),
        (files.png(), PNG, ".png"),
        (files.jpeg(), JPEG, ".jpg"),
        (files.docx(), DOCX, ".docx"),
        (files.odt(), ODT, ".odt"),
    ],
)
def test_allowed_types_are_recognised_by_their_content(content, expected, extension):
    checked = _check(content, "Nachweis")
    assert checked.content_type == expected
    assert checked.file_name == "Nachweis" + extension
    assert checked.size == len(content)
    assert len(checked.sha256) == 64


def test_html_behind_a_pdf_name_is_refused():
    assert "HTML" in _refusal(b"<html><script>alert(1)</script></html>", "dsfa.pdf")


def test_text_behind_a_pdf_name_is_refused():
    assert "nicht erlaubt" in _refusal(b"just some text, not a PDF at all", "dsfa.pdf")


def test_an_executable_behind_a_pdf_name_is_refused():
    assert "nicht erlaubt" in _refusal(b"MZ\x90\x00" + b"\x00" * 200, "dsfa.pdf")


def _padded_png() -> bytes:
    # Past the first kilobyte, so that only the image's own structure can give it away.
    content = files.png()
    return content[:33] + files._png_chunk(b"tEXt", b"Comment\x00" + b"x" * 2000) + content[33:]


def test_a_png_with_html_appended_is_refused():
    # A polyglot: a valid image that a sniffing browser could also render as a page.
    polyglot = _padded_png() + b"<html><script>alert(1)</script>"
    assert "angehängt" in _refusal(polyglot, "bild.png")


def test_a_png_with_script_in_a_chunk_is_refused():
    content = _padded_png()
    text_chunk = files._png_chunk(b"tEXt", b"Comment\x00<script>alert(1)</script>")
    polyglot = content[:-12] + text_chunk + content[-12:]
    assert "Web-Inhalte" in _refusal(polyglot, "bild.png")


def test_a_small_image_starting_with_markup_is_refused():
    assert "HTML" in _refusal(files.png() + b"<script>alert(1)</script>", "bild.png")


def test_a_jpeg_with_trailing_data_is_refused():
    assert "angehängt" in _refusal(files.jpeg() + b"PK\x03\x04zip-inside", "foto.jpg")


def test_html_disguised_as_an_image_is_refused():
    assert "HTML" in _refusal(b"<!DOCTYPE html><img src=x onerror=alert(1)>", "bild.png")


def test_svg_is_refused():
    assert "HTML" in _refusal(b"<svg xmlns='http://www.w3.org/2000/svg'><script/></svg>", "a.png")


def test_a_plain_zip_is_refused():
    assert "Archive" in _refusal(files.plain_zip(), "bericht.docx")


def test_a_macro_enabled_office_file_is_refused():
    assert "Makros" in _refusal(files.macro_docx(), "bericht.docx")


def test_a_legacy_office_file_is_refused():
    assert "Alte Office-Formate" in _refusal(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512)


def test_a_truncated_pdf_is_refused():
    assert "unvollständig" in _refusal(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")


def test_an_empty_file_is_refused():
    assert "leer" in _refusal(b"")


def test_an_oversized_file_is_refused(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024
    assert "zu groß" in _refusal(files.pdf() + b"%" * 2048)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\..\\boot.ini.pdf",
        "/etc/passwd.pdf",
        ".htaccess",
        "dsfa\x00.exe.pdf",
        "rechnung\u202efdp.exe",
        "a" * 300 + ".pdf",
        "",
    ],
)
def test_path_tricks_and_hidden_characters_in_the_name_are_refused(name):
    with pytest.raises(ValidationError) as excinfo:
        _check(files.pdf(), name)
    assert "file" in excinfo.value.message_dict


def test_the_shown_name_gets_the_extension_of_the_content():
    # An image uploaded as "bericht.pdf" is offered as "bericht.png", never as a PDF.
    assert _check(files.png(), "bericht.pdf").file_name == "bericht.png"


def test_safe_file_name_strips_paths_controls_and_length():
    assert safe_file_name("../../x.pdf", ".pdf") == "x.pdf"
    assert safe_file_name("a\u202eb\x00c.pdf", ".pdf") == "abc.pdf"
    assert safe_file_name('b"ö<s>e.pdf', ".pdf") == "b_ö_s_e.pdf"
    assert len(safe_file_name("x" * 500 + ".pdf", ".pdf")) == 150
    assert safe_file_name("...", ".pdf") == "Dokument.pdf"
