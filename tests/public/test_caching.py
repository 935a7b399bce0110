"""Conditional requests: cheap ETag and Last-Modified, 304 on revalidation, no-store signed in."""

from tests.public.conftest import change


def test_public_pages_are_cacheable_with_etag_and_last_modified(client, published):
    response = client.get("/")
    assert "public" in response["Cache-Control"]
    assert "max-age=300" in response["Cache-Control"]
    assert response["ETag"]
    assert response["Last-Modified"]
    assert "Cookie" in response["Vary"]


def test_a_current_etag_gets_304(client, published):
    for url in [
        "/",
        "/organisationen/lindenfeld/",
        f"/anwendungsfaelle/{published.use_case_id}/",
        "/daten/register.csv",
        "/daten/aenderungen.atom",
        "/barrierefreiheit/",
    ]:
        etag = client.get(url)["ETag"]
        assert client.get(url, headers={"If-None-Match": etag}).status_code == 304, url


def test_a_current_last_modified_gets_304(client, published):
    last_modified = client.get("/")["Last-Modified"]
    assert client.get("/", headers={"If-Modified-Since": last_modified}).status_code == 304


def test_a_new_publication_changes_the_etag(client, published, use_case, board_member, publish):
    url = f"/anwendungsfaelle/{use_case.pk}/"
    etag = client.get(url)["ETag"]
    change(use_case, board_member, title="Neu")
    publish(use_case)
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    assert client.get("/", headers={"If-None-Match": client.get("/")["ETag"]}).status_code == 304


def test_filters_and_language_are_part_of_the_etag(client, published):
    plain = client.get("/")["ETag"]
    assert client.get("/", {"status": "idea"})["ETag"] != plain
    client.cookies["django_language"] = "en"
    assert client.get("/")["ETag"] != plain


def test_the_etag_is_computed_without_rendering(client, published, django_assert_max_num_queries):
    etag = client.get("/")["ETag"]
    # The organisation choices for the form and the newest change; neither count nor page.
    with django_assert_max_num_queries(2):
        assert client.get("/", headers={"If-None-Match": etag}).status_code == 304


def test_signed_in_pages_are_never_stored(client, published, board_member):
    client.force_login(board_member)
    response = client.get("/")
    assert "no-store" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
