"""/risikoklassen/ explains every risk class; every risk badge links to its section."""

import re

from registry.models import UseCase
from registry.public.risk_classes import RISK_CLASS_TEXTS
from tests.conftest import make_use_case


def test_every_risk_class_of_the_model_has_an_explained_section(client):
    html = client.get("/risikoklassen/").content.decode()
    for value, label in UseCase.RiskClass.choices:
        assert value in RISK_CLASS_TEXTS, f"{label} has no explanation"
        text = RISK_CLASS_TEXTS[value]
        assert f'id="{text.anchor}"' in html
        assert str(text.legal_basis) in html
    anchors = [text.anchor for text in RISK_CLASS_TEXTS.values()]
    assert len(set(anchors)) == len(anchors)


def test_the_page_cites_the_articles_of_the_ai_act(client):
    html = client.get("/risikoklassen/").content.decode()
    for citation in ("Art. 5", "Art. 6 und Anhang III", "Art. 50"):
        assert citation in html
    assert 'id="hochrisiko"' in html


def test_risk_badges_link_to_their_section(client, department_head, department, publish):
    record = publish(make_use_case(department_head, department, "Hoch", risk_class="high_risk"))
    html = client.get("/").content.decode()
    assert re.search(r'<a class="kern-badge [^"]*" href="/risikoklassen/#hochrisiko">', html)
    detail = client.get(f"/anwendungsfaelle/{record.use_case_id}/").content.decode()
    assert 'href="/risikoklassen/#hochrisiko"' in detail


def test_the_footer_links_the_page(client):
    assert 'href="/risikoklassen/"' in client.get("/barrierefreiheit/").content.decode()


def test_a_visitor_with_the_current_page_gets_304(client):
    first = client.get("/risikoklassen/")
    again = client.get("/risikoklassen/", headers={"if-none-match": first["ETag"]})
    assert again.status_code == 304
