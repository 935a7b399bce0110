"""A group withheld after publication is withheld on every public surface, earlier versions too."""

import pytest
from django.utils import timezone

from governance.reports.content import build_report_content
from governance.reports.periods import Period
from governance.reports.rendering import render_report_html
from registry import services
from registry.models import AISystem, PublishedUseCase
from tests.conftest import make_use_case
from tests.public.conftest import change

SECRET = "Anbieter Geheim"
REASON = "Schutz der IT-Sicherheit"


def withhold(use_case, actor, *groups):
    services.set_use_case_children(
        use_case,
        actor=actor,
        reason="zurückhalten",
        key="withheld_fields",
        rows=[{"field": group, "reason": REASON} for group in groups],
    )


@pytest.fixture
def ai_system(board_member, organisation):
    return services.create_ai_system(
        actor=board_member,
        organisation=organisation,
        name="Verwaltungs-LLM",
        vendor=f"{SECRET} GmbH",
        technique=AISystem.Technique.GENERATIVE,
        hosting=AISystem.Hosting.EU_CLOUD,
    )


@pytest.fixture
def use_case(department_head, department, ai_system):
    return make_use_case(department_head, department, "Wohngeld-Vorprüfung", ai_system=ai_system)


@pytest.fixture
def withheld_later(use_case, ai_system, board_member, publish):
    """Published with its vendor, changed twice in public (once the vendor), then withheld."""
    publish(use_case)
    change(use_case, board_member, title="Wohngeld-Assistent")
    publish(use_case)
    services.update_ai_system(
        ai_system, actor=board_member, reason="neuer Vertrag", vendor=f"{SECRET} Zwei AG"
    )
    publish(use_case)
    withhold(use_case, board_member, "ai_system")
    publish(use_case)
    return use_case


def body(response) -> str:
    assert response.status_code == 200, response
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def public_bodies(client, use_case) -> dict[str, str]:
    versions = PublishedUseCase.history.filter(use_case_id=use_case.pk)
    urls = [
        "/",
        "/organisationen/lindenfeld/",
        f"/anwendungsfaelle/{use_case.pk}/",
        f"/anwendungsfaelle/{use_case.pk}/widerspruch/",
        *(f"/anwendungsfaelle/{use_case.pk}/versionen/{v.history_id}/" for v in versions),
        "/daten/register.csv",
        "/daten/register.json",
        "/organisationen/lindenfeld/daten/register.csv",
        "/organisationen/lindenfeld/daten/register.json",
        "/daten/aenderungen.atom",
        "/organisationen/lindenfeld/daten/aenderungen.atom",
        "/api/v1/public/use-cases/",
        f"/api/v1/public/use-cases/{use_case.pk}/",
        f"/api/v1/public/use-cases/{use_case.pk}/changes/",
        "/api/v2/public/use-cases/",
        f"/api/v2/public/use-cases/{use_case.pk}/",
        f"/api/v2/public/use-cases/{use_case.pk}/changes/",
    ]
    return {url: body(client.get(url)) for url in urls}


def test_a_value_withheld_after_publication_appears_on_no_public_surface(
    client, withheld_later, organisation
):
    bodies = public_bodies(client, withheld_later)
    # Four versions: each has its page, and each is on the walk.
    assert sum("/versionen/" in url for url in bodies) == 4
    today = timezone.localdate()
    report = render_report_html(build_report_content(organisation, Period.year(today.year)))
    bodies["report"] = report
    assert "Wohngeld-Vorprüfung" in report  # added in this period, named as first published
    for url, text in bodies.items():
        assert SECRET not in text, (url, text[text.find(SECRET) - 200 :][:400])
    # Searches echo their term, so they are asked whether they find it instead.
    for version in ("v1", "v2"):
        found = client.get(f"/api/{version}/public/use-cases/", {"search": SECRET}).json()
        assert found["results"] == []
    assert "Wohngeld-Assistent" not in body(client.get("/", {"q": SECRET}))


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_the_api_change_log_keeps_a_withheld_change_without_its_values(
    client, withheld_later, version
):
    log = client.get(f"/api/{version}/public/use-cases/{withheld_later.pk}/changes/").json()
    vendor_changes = [
        change for entry in log for change in entry["changes"] if change["field"] == "vendor"
    ]
    # First publication, the public change of vendor, and the withholding: all still listed.
    assert len(vendor_changes) == 3
    assert all(
        change == {"field": "vendor", "old": None, "new": None, "withheld": True}
        for change in vendor_changes
    )
    title = next(c for c in log[2]["changes"] if c["field"] == "title")
    assert title == {
        "field": "title",
        "old": "Wohngeld-Vorprüfung",
        "new": "Wohngeld-Assistent",
        "withheld": False,
    }
    # The log says that something was withheld, and why.
    withheld = next(c for c in log[0]["changes"] if c["field"] == "withheld")
    assert withheld["new"] == {"ai_system": REASON}


def test_the_change_that_withholds_a_field_does_not_show_its_value_before(
    client, use_case, board_member, publish
):
    publish(use_case)
    withhold(use_case, board_member, "ai_system")
    publish(use_case)
    # Lifted again: the version of the withholding still withheld the field at that time.
    withhold(use_case, board_member)
    publish(use_case)
    log = client.get(f"/api/v1/public/use-cases/{use_case.pk}/changes/").json()
    withholding = log[1]["changes"]
    assert {"field": "vendor", "old": None, "new": None, "withheld": True} in withholding
    assert SECRET not in str(withholding)
    lifting = log[0]["changes"]
    assert {"field": "vendor", "old": None, "new": None, "withheld": True} in lifting
    # Published again, the vendor is public again, in the first version too.
    first = PublishedUseCase.history.filter(use_case_id=use_case.pk).earliest("history_date")
    html = body(client.get(f"/anwendungsfaelle/{use_case.pk}/versionen/{first.history_id}/"))
    assert f"{SECRET} GmbH" in html


def test_the_change_log_on_the_page_names_a_withheld_field_as_withheld(client, withheld_later):
    html = body(client.get(f"/anwendungsfaelle/{withheld_later.pk}/"))
    log = html[html.index("Änderungsprotokoll") :]
    assert "<li>Anbieter (zurückgehalten)</li>" in log
    assert "<li>Bezeichnung</li>" in log
    assert "<li>zurückgehaltene Angaben</li>" in log


def test_an_earlier_version_shows_the_notice_of_today_in_place_of_a_withheld_group(
    client, withheld_later
):
    first = PublishedUseCase.history.filter(use_case_id=withheld_later.pk).earliest("history_date")
    html = body(client.get(f"/anwendungsfaelle/{withheld_later.pk}/versionen/{first.history_id}/"))
    assert "Wohngeld-Vorprüfung" in html
    assert "Diese Angabe wird nicht veröffentlicht." in html
    assert REASON in html
    assert "Verwaltungs-LLM" not in html
    # The stored version is unchanged: only what the public sees of it is withheld.
    first.refresh_from_db()
    assert first.vendor == f"{SECRET} GmbH"


def test_the_feed_names_a_withheld_field_as_withheld(client, withheld_later):
    feed = body(client.get("/daten/aenderungen.atom"))
    assert "Anbieter (zurückgehalten)" in feed


def test_withholding_replaces_every_cached_public_answer(
    client, use_case, board_member, publish, django_assert_max_num_queries
):
    publish(use_case)
    change(use_case, board_member, title="Wohngeld-Assistent")
    publish(use_case)
    first = PublishedUseCase.history.filter(use_case_id=use_case.pk).earliest("history_date")
    urls = [
        f"/anwendungsfaelle/{use_case.pk}/",
        f"/anwendungsfaelle/{use_case.pk}/versionen/{first.history_id}/",
        f"/api/v1/public/use-cases/{use_case.pk}/changes/",
        "/daten/aenderungen.atom",
        f"/api/v2/public/use-cases/{use_case.pk}/",
    ]
    before = {}
    for url in urls:
        response = client.get(url)
        before[url] = response["ETag"]
        assert response.status_code == 200
    # The answers are cached now: a second request only asks for the data version.
    for url in (urls[0], urls[2], urls[4]):
        with django_assert_max_num_queries(1):
            client.get(url)
    assert SECRET in body(client.get(urls[1]))
    assert SECRET in body(client.get(urls[4]))
    withhold(use_case, board_member, "ai_system")
    publish(use_case)
    for url in urls:
        response = client.get(url, headers={"If-None-Match": before[url]})
        assert response.status_code == 200, url
        assert response["ETag"] != before[url], url
        assert SECRET not in body(response), url


def test_an_earlier_version_costs_the_same_queries_when_groups_are_withheld(
    client, withheld_later, django_assert_max_num_queries
):
    first = PublishedUseCase.history.filter(use_case_id=withheld_later.pk).earliest("history_date")
    with django_assert_max_num_queries(3):
        client.get(f"/anwendungsfaelle/{withheld_later.pk}/versionen/{first.history_id}/")


def test_the_feed_costs_the_same_queries_however_many_entries_withhold(
    client,
    withheld_later,
    department_head,
    department,
    board_member,
    publish,
    django_assert_max_num_queries,
):
    with django_assert_max_num_queries(4) as few:
        client.get("/daten/aenderungen.atom")
    for n in range(3):
        other = make_use_case(department_head, department, f"Anwendungsfall {n}")
        publish(other)
        withhold(other, board_member, "purpose")
        publish(other)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/daten/aenderungen.atom")
