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


def test_an_anonymous_page_is_rendered_once_per_register_version(
    client, published, use_case, board_member, publish, django_assert_max_num_queries
):
    first = client.get("/")
    # Again: the organisation choices and the newest change name the page; it is not rendered.
    with django_assert_max_num_queries(2):
        again = client.get("/")
    assert again.content == first.content
    assert again["ETag"] == first["ETag"] and "public" in again["Cache-Control"]
    change(use_case, board_member, title="Neuer Titel im Register")
    publish(use_case)
    assert "Neuer Titel im Register" in client.get("/").content.decode()


def test_a_cached_detail_page_follows_its_use_case(
    client, published, use_case, board_member, publish
):
    url = f"/anwendungsfaelle/{use_case.pk}/"
    assert client.get(url).content == client.get(url).content
    change(use_case, board_member, title="Geänderter Titel")
    publish(use_case)
    assert "Geänderter Titel" in client.get(url).content.decode()


def test_a_signed_in_page_is_neither_served_from_nor_put_into_the_page_cache(
    client, published, board_member
):
    anonymous = client.get("/").content.decode()
    client.force_login(board_member)
    signed_in = client.get("/").content.decode()
    assert signed_in != anonymous
    assert 'action="/abmelden/' in signed_in or "Abmelden" in signed_in
    client.logout()
    assert "Abmelden" not in client.get("/").content.decode()


def test_a_page_with_a_message_for_the_visitor_is_not_cached(client, published):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.cookie import CookieStorage

    client.get("/")  # the plain page is in the cache now
    storage = CookieStorage(None)  # type: ignore[arg-type]
    value = storage._encode([storage_message(constants.SUCCESS, "Vielen Dank für Ihren Hinweis")])
    client.cookies["messages"] = value
    assert "Vielen Dank für Ihren Hinweis" in client.get("/").content.decode()
    del client.cookies["messages"]
    assert "Vielen Dank für Ihren Hinweis" not in client.get("/").content.decode()


def storage_message(level, text):
    from django.contrib.messages.storage.base import Message

    return Message(level, text)


def test_the_public_api_answers_a_current_copy_with_304(
    client, published, use_case, board_member, publish
):
    for url in [
        "/api/v1/public/use-cases/",
        f"/api/v1/public/use-cases/{use_case.pk}/",
        f"/api/v1/public/use-cases/{use_case.pk}/changes/",
    ]:
        first = client.get(url)
        assert first.status_code == 200 and first["ETag"] and first["Last-Modified"], url
        assert "public" in first["Cache-Control"]
        assert client.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304, url
    etag = client.get("/api/v1/public/use-cases/")["ETag"]
    change(use_case, board_member, title="Neu im offenen Datensatz")
    publish(use_case)
    fresh = client.get("/api/v1/public/use-cases/", headers={"If-None-Match": etag})
    assert fresh.status_code == 200
    assert fresh.json()["results"][0]["title"] == "Neu im offenen Datensatz"


def test_the_public_api_serializes_a_page_once_per_register_version(
    client, published, django_assert_max_num_queries
):
    url = "/api/v1/public/use-cases/?page_size=10"
    first = client.get(url).json()
    with django_assert_max_num_queries(1):  # the newest change names the version
        assert client.get(url).json() == first
    assert client.get("/api/v1/public/use-cases/?page_size=abc").status_code == 400


def test_the_public_api_keeps_a_missing_use_case_missing(client, published):
    assert client.get("/api/v1/public/use-cases/999999/").status_code == 404
    assert client.get("/api/v1/public/use-cases/999999/changes/").status_code == 404
