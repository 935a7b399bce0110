"""The accessibility statement (BITV 2.0) and its feedback route."""

from django.core import mail


def test_statement_names_status_limitations_contact_enforcement_and_date(client, db, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "barrierefrei@lf.example"
    html = client.get("/barrierefreiheit/").content.decode()
    assert "teilweise vereinbar" in html
    assert "Nicht barrierefreie Inhalte" in html
    assert "mailto:barrierefrei@lf.example" in html
    assert "Schlichtungsstelle" in html
    assert "26. November 2026" in html


def test_feedback_is_sent_to_the_accessibility_contact(client, db, settings):
    settings.ACCESSIBILITY_CONTACT_EMAIL = "barrierefrei@lf.example"
    response = client.post(
        "/barrierefreiheit/rueckmeldung/",
        {"message": "Der Filter ist ohne Maus schwer zu bedienen.", "page": "/", "email": ""},
    )
    assert response.status_code == 302
    assert mail.outbox[0].to == ["barrierefrei@lf.example"]
    assert "ohne Maus" in mail.outbox[0].body


def test_feedback_without_a_message_is_refused_naming_the_field(client, db):
    response = client.post("/barrierefreiheit/rueckmeldung/", {"message": "", "email": "kaputt"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Ihre Nachricht" in html
    assert "E-Mail Adresse an" in html  # Django’s own German message
    assert not mail.outbox


def test_feedback_page_is_never_stored_by_caches(client, db):
    assert "no-store" in client.get("/barrierefreiheit/rueckmeldung/")["Cache-Control"]
