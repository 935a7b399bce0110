"""The filters' options say how many entries each would list (issue 15)."""

import re

from registry.public import selectors
from tests.conftest import make_use_case


def option_label(html: str, field: str, value: str) -> str:
    select = re.search(rf'<select name="{field}".*?</select>', html, re.DOTALL)
    assert select is not None
    option = re.search(rf'<option value="{value}"[^>]*>([^<]*)</option>', select.group())
    assert option is not None
    return option.group(1)


def test_each_option_names_how_many_entries_it_lists(client, department_head, department, publish):
    publish(make_use_case(department_head, department, "Eins", risk_class="high_risk"))
    publish(make_use_case(department_head, department, "Zwei", risk_class="high_risk"))
    publish(make_use_case(department_head, department, "Drei", status="pilot"))
    html = client.get("/").content.decode()
    assert option_label(html, "risiko", "high_risk") == "hohes Risiko (2)"
    assert option_label(html, "risiko", "unclassified") == "noch nicht eingestuft (1)"
    assert option_label(html, "risiko", "prohibited") == "verboten (0)"
    assert option_label(html, "status", "pilot") == "Pilotbetrieb (1)"
    assert option_label(html, "risiko", "") == "alle"


def test_a_facet_counts_with_the_other_filters_and_the_search_but_not_its_own(
    client, department_head, department, publish
):
    publish(
        make_use_case(
            department_head, department, "Hoch Pilot", risk_class="high_risk", status="pilot"
        )
    )
    publish(
        make_use_case(
            department_head,
            department,
            "Hoch Betrieb",
            risk_class="high_risk",
            status="in_operation",
        )
    )
    publish(
        make_use_case(
            department_head, department, "Minimal Pilot", risk_class="minimal", status="pilot"
        )
    )
    html = client.get("/", {"risiko": "high_risk", "status": "pilot"}).content.decode()
    # Other risk classes are counted among pilots, other statuses among high-risk entries.
    assert option_label(html, "risiko", "minimal") == "minimales Risiko (1)"
    assert option_label(html, "risiko", "high_risk") == "hohes Risiko (1)"
    assert option_label(html, "status", "in_operation") == "im Betrieb (1)"
    searched = client.get("/", {"q": "Minimal"}).content.decode()
    assert option_label(searched, "risiko", "high_risk") == "hohes Risiko (0)"
    assert option_label(searched, "status", "pilot") == "Pilotbetrieb (1)"


def test_the_counts_come_from_one_query_whatever_the_options_and_entries(
    client, publish_many, django_assert_max_num_queries
):
    publish_many(3, risk_class="minimal")
    with django_assert_max_num_queries(6) as queries:
        response = client.get("/", {"risiko": "minimal", "sortierung": "newest"})
    facet_queries = [q for q in queries.captured_queries if '"facet_0"' in q["sql"]]
    assert len(facet_queries) == 1
    assert "minimales Risiko (3)" in response.content.decode()


def test_the_counts_are_kept_per_register_version(publish_many, django_assert_num_queries):
    publish_many(2)
    latest = selectors.register_freshness()
    search = selectors.RegisterFilter(status="planned")
    first = selectors.facet_counts(search, latest)
    with django_assert_num_queries(0):
        assert selectors.facet_counts(search, latest) == first
    publish_many(1)
    assert selectors.facet_counts(search, selectors.register_freshness()) != first


def test_each_organisation_names_its_entries_among_the_other_filters(
    client, published, foreign_use_case, publish, department_head, department
):
    publish(foreign_use_case)
    publish(make_use_case(department_head, department, "Hoch", risk_class="high_risk"))
    html = client.get("/", {"organisation": "birkenau"}).content.decode()
    # Its own choice does not narrow the organisations' counts; another filter does.
    assert option_label(html, "organisation", "lindenfeld") == "Stadt Lindenfeld (2)"
    assert option_label(html, "organisation", "birkenau") == "Landkreis Birkenau (1)"
    high = client.get("/", {"risiko": "high_risk"}).content.decode()
    assert option_label(high, "organisation", "birkenau") == "Landkreis Birkenau (0)"


def test_a_search_nothing_matches_counts_zero_without_asking_and_a_filter_still_counts(
    client, department_head, department, publish
):
    publish(make_use_case(department_head, department, "Hoch", risk_class="high_risk"))
    publish(make_use_case(department_head, department, "Minimal", risk_class="minimal"))
    nothing = client.get("/", {"q": "Gibtesnicht"}).content.decode()
    assert option_label(nothing, "risiko", "high_risk") == "hohes Risiko (0)"
    # A faceted filter that leaves nothing still says where the entries are.
    narrowed = client.get("/", {"q": "Minimal", "risiko": "high_risk"}).content.decode()
    assert option_label(narrowed, "risiko", "minimal") == "minimales Risiko (1)"
