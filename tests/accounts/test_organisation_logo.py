"""An organisation's logo: what an upload must be, who may set it, how it is stored and served."""

import io
import re

import pytest

# Imported, WeasyPrint makes Pillow accept truncated images process-wide (as in every worker that
# has rendered a PDF): the logo check must not depend on that.
import weasyprint  # noqa: F401
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from accounts import services
from accounts.admin_versions import history_version
from accounts.models import Organisation

pytestmark = pytest.mark.django_db

SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (40, 20)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (26, 61, 165)).save(buffer, kind)
    return buffer.getvalue()


def upload(content: bytes, name: str = "wappen.png", content_type: str = "image/png"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def stored_files(tmp_path) -> list[str]:
    return sorted(p.name for p in tmp_path.rglob("*") if p.is_file())


def set_logo(organisation, file, actor=None):
    return services.update_organisation(organisation, actor=actor, reason="Logo", logo=file)


def test_a_png_is_stored_under_a_random_name_with_its_type(organisation, tmp_path):
    set_logo(organisation, upload(image_bytes(), name="Wappen der Stadt.png"))
    organisation.refresh_from_db()
    assert re.fullmatch(r"logos/[0-9a-f]{2}/[0-9a-f]{64}\.png", organisation.logo.name)
    assert organisation.logo.name.split("/")[1] == organisation.logo_key[:2]
    assert "Wappen" not in organisation.logo.name
    assert organisation.history.latest().history_change_reason == "Logo"


def test_a_jpeg_named_png_is_stored_as_the_jpeg_it_is(organisation):
    # The type comes from the image itself, never from the uploader's name or header.
    set_logo(organisation, upload(image_bytes("JPEG"), name="logo.png"))
    organisation.refresh_from_db()
    assert organisation.logo.name.endswith(".jpg")


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (SVG, "logo.svg", "PNG- oder JPEG-Bild"),
        (b"Das ist kein Bild, nur Text.\n" * 10, "logo.png", "PNG- oder JPEG-Bild"),
        (image_bytes("GIF"), "logo.gif", "PNG- oder JPEG-Bild"),
        (image_bytes(size=(300, 200))[:-5], "logo.png", "PNG- oder JPEG-Bild"),
        (image_bytes("JPEG", size=(300, 200))[:-300], "logo.jpg", "PNG- oder JPEG-Bild"),
        (image_bytes(size=(2001, 10)), "logo.png", "2000 × 2000 Pixel"),
        (image_bytes() + b"\0" * (1024 * 1024), "logo.png", "1 MB"),
    ],
    ids=["svg", "renamed-text", "gif", "truncated-png", "truncated-jpeg", "too-wide", "too-big"],
)
def test_a_bad_upload_is_refused_naming_the_field_and_changes_nothing(
    organisation, tmp_path, content, name, message
):
    before = history_version(organisation)
    with pytest.raises(ValidationError) as refused:
        set_logo(organisation, upload(content, name=name))
    assert message in refused.value.message_dict["logo"][0]
    assert "Logo" in refused.value.message_dict["logo"][0]
    organisation.refresh_from_db()
    assert organisation.logo.name == ""
    assert history_version(organisation) == before
    assert stored_files(tmp_path) == []


def test_a_new_organisation_may_come_with_a_logo(db, tmp_path):
    created = services.create_organisation(
        actor=None,
        reason="Neu",
        name="Gemeinde Ahornbach",
        slug="ahornbach",
        ags="07999002",
        logo=upload(image_bytes("JPEG")),
    )
    assert re.fullmatch(r"logos/[0-9a-f]{2}/[0-9a-f]{64}\.jpg", created.logo.name)
    with pytest.raises(ValidationError) as refused:
        services.create_organisation(
            actor=None, reason="Neu", name="X", slug="x", ags="07999003", logo=upload(SVG)
        )
    assert "logo" in refused.value.message_dict
    assert not Organisation.objects.filter(slug="x").exists()
    with pytest.raises(ValidationError):
        services.create_organisation(
            actor=None, reason="Neu", name="Y", slug="y", ags="kaputt", logo=upload(image_bytes())
        )
    assert stored_files(tmp_path) == [created.logo_key]


def test_a_storage_name_is_refused_as_a_logo(organisation, tmp_path):
    # Else a logo could point at any stored file, a report's PDF say.
    (tmp_path / "berichte").mkdir()
    (tmp_path / "berichte" / "intern.pdf").write_bytes(b"%PDF-")
    with pytest.raises(ValidationError) as refused:
        set_logo(organisation, "berichte/intern.pdf")
    assert "logo" in refused.value.message_dict
    organisation.refresh_from_db()
    assert organisation.logo.name == ""


def test_a_new_logo_replaces_the_old_file_once_committed(
    organisation, tmp_path, django_capture_on_commit_callbacks
):
    set_logo(organisation, upload(image_bytes()))
    first = organisation.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        set_logo(Organisation.objects.get(pk=organisation.pk), upload(image_bytes("JPEG")))
    organisation.refresh_from_db()
    assert organisation.logo.name != first
    assert stored_files(tmp_path) == [organisation.logo_key]


def test_removing_the_logo_deletes_its_file(
    organisation, tmp_path, django_capture_on_commit_callbacks
):
    set_logo(organisation, upload(image_bytes()))
    with django_capture_on_commit_callbacks(execute=True):
        set_logo(Organisation.objects.get(pk=organisation.pk), None)
    organisation.refresh_from_db()
    assert organisation.logo.name == ""
    assert stored_files(tmp_path) == []


def test_a_refused_change_of_another_field_keeps_no_uploaded_file(organisation, tmp_path):
    with pytest.raises(ValidationError):
        services.update_organisation(
            organisation,
            actor=None,
            reason="Logo",
            logo=upload(image_bytes()),
            contact_email="keine Adresse",
        )
    assert stored_files(tmp_path) == []


# -- the admin ------------------------------------------------------------------------------------


def _change_url(organisation):
    return reverse("admin:accounts_organisation_change", args=[organisation.pk])


def _logo_url(organisation):
    return reverse("registry:organisation_logo", args=[organisation.slug, organisation.logo_key])


def _form(client, organisation, **fields):
    """The change form as the admin showed it, with the given fields changed."""
    shown = client.get(_change_url(organisation))
    assert shown.status_code == 200
    data = {
        "name": organisation.name,
        "slug": organisation.slug,
        "ags": organisation.ags,
        "legal_form": organisation.legal_form,
        "contact_email": organisation.contact_email,
        "website": organisation.website,
        "review_interval_high_risk_months": organisation.review_interval_high_risk_months,
        "review_interval_default_months": organisation.review_interval_default_months,
        "loaded_version": shown.context["loaded_version"],
    }
    return {**data, **fields}


def test_the_board_sets_the_logo_in_the_admin(client, organisation, board_member):
    client.force_login(board_member)
    saved = client.post(
        _change_url(organisation), _form(client, organisation, logo=upload(image_bytes()))
    )
    assert saved.status_code == 302, saved.context and saved.context["adminform"].form.errors
    organisation.refresh_from_db()
    assert organisation.logo.name.endswith(".png")
    row = organisation.history.latest()
    assert (row.history_user, row.history_change_reason) == (board_member, "im Admin geändert")
    # The form shows the current logo by its public address, never a media URL.
    page = client.get(_change_url(organisation)).content.decode()
    logo_url = reverse(
        "registry:organisation_logo", args=[organisation.slug, organisation.logo_key]
    )
    assert f'href="{logo_url}"' in page
    assert "Logo: Stadt Lindenfeld" in page
    assert "/media/" not in page
    assert 'accept="image/png,image/jpeg"' in page


def test_a_bad_upload_in_the_admin_shows_a_german_error_and_changes_nothing(
    client, organisation, board_member, tmp_path
):
    client.force_login(board_member)
    refused = client.post(
        _change_url(organisation),
        _form(
            client, organisation, name="Neuer Name", logo=upload(SVG, "logo.svg", "image/svg+xml")
        ),
    )
    assert refused.status_code == 200
    errors = refused.context["adminform"].form.errors
    assert errors["logo"] == ["Das Logo muss ein PNG- oder JPEG-Bild sein."]
    organisation.refresh_from_db()
    assert (organisation.name, organisation.logo.name) == ("Stadt Lindenfeld", "")
    assert stored_files(tmp_path) == []


def test_the_board_of_another_organisation_cannot_set_the_logo(
    client, organisation, foreign_board_member, tmp_path
):
    client.force_login(foreign_board_member)
    assert client.get(_change_url(organisation)).status_code == 404
    data = {"name": organisation.name, "slug": organisation.slug, "ags": organisation.ags}
    refused = client.post(_change_url(organisation), {**data, "logo": upload(image_bytes())})
    assert refused.status_code == 404
    organisation.refresh_from_db()
    assert organisation.logo.name == ""
    assert stored_files(tmp_path) == []


def test_a_department_head_cannot_set_the_logo(client, organisation, department_head, tmp_path):
    client.force_login(department_head)
    data = {"name": organisation.name, "slug": organisation.slug, "ags": organisation.ags}
    refused = client.post(_change_url(organisation), {**data, "logo": upload(image_bytes())})
    # Not staff: the admin sends the person to its login page.
    assert refused.status_code == 302
    assert "/login/" in refused["Location"]
    organisation.refresh_from_db()
    assert organisation.logo.name == ""
    assert stored_files(tmp_path) == []


def test_an_auditor_sees_the_logo_by_its_address_and_cannot_change_it(
    client, organisation, auditor
):
    set_logo(organisation, upload(image_bytes()))
    client.force_login(auditor)
    page = client.get(_change_url(organisation))
    assert page.status_code == 200
    html = page.content.decode()
    logo_url = reverse(
        "registry:organisation_logo", args=[organisation.slug, organisation.logo_key]
    )
    assert f'href="{logo_url}"' in html
    assert "/media/" not in html
    assert 'type="file"' not in html


# -- the logo's address ---------------------------------------------------------------------------


def test_the_logo_is_served_with_its_type_and_cached_for_a_year(client, organisation):
    content = image_bytes("JPEG")
    set_logo(organisation, upload(content, "logo.jpg", "image/jpeg"))
    response = client.get(_logo_url(organisation))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/jpeg"
    assert b"".join(response.streaming_content) == content
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"public", "max-age=31536000", "immutable"} <= cache_control
    assert response["X-Content-Type-Options"] == "nosniff"


def test_a_replaced_or_foreign_or_malformed_logo_address_is_not_found(
    client, organisation, other_organisation
):
    set_logo(organisation, upload(image_bytes()))
    old_key = organisation.logo_key
    set_logo(Organisation.objects.get(pk=organisation.pk), upload(image_bytes()))
    for slug, key in [
        (organisation.slug, old_key),
        (other_organisation.slug, Organisation.objects.get(pk=organisation.pk).logo_key),
        (organisation.slug, "../../berichte/x.pdf"),
        (organisation.slug, "0" * 64 + ".svg"),
    ]:
        url = f"/organisationen/{slug}/logo/{key}"
        assert client.get(url).status_code == 404, url
