"""The list page's filters fold on phones, and a status never looks like a risk class."""

import re

from tests.conftest import make_use_case


def details_tag(html: str) -> str:
    match = re.search(r'<details class="register-search__details"[^>]*>', html)
    assert match is not None
    return match.group()


def test_the_filters_are_folded_until_a_filter_is_chosen(client, published):
    assert " open" not in details_tag(client.get("/").content.decode())
    # A search term or an order alone keeps the results first.
    assert " open" not in details_tag(client.get("/", {"q": "Wohngeld"}).content.decode())
    assert " open" not in details_tag(client.get("/", {"sortierung": "newest"}).content.decode())
    chosen = client.get("/", {"status": "idea"}).content.decode()
    assert " open" in details_tag(chosen)
    assert "(1 Filter gewählt)" in chosen


def test_status_tags_differ_from_risk_badges_and_from_each_other(
    client, department_head, department, publish
):
    publish(make_use_case(department_head, department, "Alt", status="retired"))
    publish(make_use_case(department_head, department, "Neu", status="in_operation"))
    html = client.get("/").content.decode()
    retired = re.search(r'<span class="(status-tag[^"]*)">.*?außer Betrieb</span>', html)
    running = re.search(r'<span class="(status-tag[^"]*)">.*?im Betrieb</span>', html)
    assert retired and running
    assert retired.group(1) != running.group(1)
    assert "kern-badge" not in retired.group(1) + running.group(1)
