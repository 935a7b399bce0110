"""Search hits are marked in a result's title and summary, after escaping."""

from registry.templatetags.public_register import highlight
from tests.conftest import make_use_case


def test_the_search_term_is_marked_in_title_and_summary_in_any_case(client, published):
    html = client.get("/", {"q": "wohngeld"}).content.decode()
    assert "<mark>Wohngeld</mark>-Vorprüfung" in html
    assert "<mark>" not in client.get("/").content.decode()


def test_a_hit_in_the_summary_is_marked(client, published):
    html = client.get("/", {"q": "vollständigkeit"}).content.decode()
    assert "auf <mark>Vollständigkeit</mark> vorgeprüft" in html


def test_markup_in_a_title_and_in_the_search_stays_text(
    client, department_head, department, publish
):
    publish(make_use_case(department_head, department, "<script>alert(1)</script> Wohngeld"))
    html = client.get("/", {"q": "<script>"}).content.decode()
    assert "<script>alert" not in html
    assert "<mark>&lt;script&gt;</mark>alert(1)&lt;/script&gt; Wohngeld" in html


def test_highlight_escapes_text_around_and_inside_hits():
    assert highlight("a<b>A", "a") == "<mark>a</mark>&lt;b&gt;<mark>A</mark>"
    assert highlight("<i>", "") == "&lt;i&gt;"
    assert highlight("Straße", "STRASSE") == "Straße"  # no hit, nothing marked
