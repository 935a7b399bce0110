"""What a transparency report says, against a small history across the year's boundaries."""

import datetime
import itertools
import re

import pytest

from governance import services
from governance.reports.content import build_report_content
from governance.reports.periods import Period
from governance.reports.rendering import render_report_html
from registry import publication
from tests.conftest import make_use_case
from tests.governance.reports_helpers import approve, at, moment, reject

pytestmark = pytest.mark.django_db


@pytest.fixture
def history(
    organisation,
    department,
    other_department,
    department_head,
    other_department_head,
    iso,
    board_member,
    foreign_department_head,
    foreign_department,
    other_organisation,
):
    """Use cases published, changed, retired, withdrawn and decided before, in and after 2025."""
    from accounts.models import Membership
    from tests.conftest import make_person

    def uc(head, dept, title, when):
        with at(when):
            return make_use_case(head, dept, title)

    head, other_head = department_head, other_department_head
    steady = uc(head, department, "Stetig", moment(2024, 1, 10))
    approve(steady, head=head, iso=iso, board=board_member, when=moment(2024, 2, 1))
    with at(moment(2024, 8, 1)):
        # Review due in the middle of 2025 and never done: overdue at the end of the year.
        services.reschedule_review(
            steady, actor=board_member, reason="Termin", next_review_date=datetime.date(2025, 6, 30)
        )
    changed = uc(other_head, other_department, "Geändert", moment(2024, 3, 1))
    approve(changed, head=other_head, iso=iso, board=board_member, when=moment(2024, 4, 1))
    with at(moment(2025, 3, 10)):
        services.change_use_case(
            changed, actor=board_member, reason="Postfach", public_contact_email="neu@lf.example"
        )
    retired = uc(head, department, "Ausgemustert", moment(2024, 3, 1))
    approve(retired, head=head, iso=iso, board=board_member, when=moment(2024, 3, 5))
    with at(moment(2025, 9, 30)):
        services.retire_use_case(retired, actor=board_member, reason="Vertrag beendet")
    withdrawn = uc(head, department, "Zurückgezogen", moment(2024, 5, 1))
    approve(withdrawn, head=head, iso=iso, board=board_member, when=moment(2024, 5, 2))
    with at(moment(2025, 7, 1)):
        publication.withdraw_use_case(withdrawn, actor=board_member, reason="Geheimhaltung ABC")
    new = uc(head, department, "Neu im Februar", moment(2025, 1, 20))
    approve(new, head=head, iso=iso, board=board_member, when=moment(2025, 2, 1))
    last_minute = uc(other_head, other_department, "Silvester", moment(2025, 12, 1))
    approve(
        last_minute, head=other_head, iso=iso, board=board_member, when=moment(2025, 12, 31, 23, 30)
    )
    next_year = uc(head, department, "Neujahr", moment(2025, 12, 1))
    approve(next_year, head=head, iso=iso, board=board_member, when=moment(2026, 1, 1, 0, 10))
    internal = uc(head, department, "Internes Vorhaben", moment(2025, 4, 1))
    reject(internal, head=head, iso=iso, board=board_member, when=moment(2025, 4, 15))
    foreign_iso = make_person(
        "foreign_iso", other_organisation, Membership.Role.INFORMATION_SECURITY_OFFICER
    )
    foreign_board = make_person("foreign_board_2", other_organisation, Membership.Role.BOARD)
    foreign = uc(foreign_department_head, foreign_department, "Fremd", moment(2025, 5, 1))
    approve(
        foreign,
        head=foreign_department_head,
        iso=foreign_iso,
        board=foreign_board,
        when=moment(2025, 5, 2),
    )
    return organisation


def _report(organisation, period=None):
    return build_report_content(organisation, period or Period.year(2025), now=moment(2026, 3, 1))


def _titles(entries):
    return [e.title for e in entries]


def test_the_register_is_counted_at_the_start_and_the_end_of_the_period(history):
    content = _report(history)
    assert content.total_at_start == 4  # Stetig, Geändert, Ausgemustert, Zurückgezogen
    assert content.total_at_end == 5  # without Zurückgezogen, with Neu im Februar and Silvester


def test_entries_published_in_the_period_are_added_up_to_its_last_minute(history):
    assert _titles(_report(history).added) == ["Neu im Februar", "Silvester"]


def test_an_entry_published_after_the_period_is_not_in_the_report(history):
    content = _report(history)
    everything = content.added + content.changed + content.retired + content.decisions
    assert "Neujahr" not in _titles(everything)


def test_a_changed_entry_names_the_public_fields_that_changed(history):
    (entry,) = _report(history).changed
    assert entry.title == "Geändert"
    assert entry.day == datetime.date(2025, 3, 10)
    assert entry.details == "Kontaktadresse"


def test_retired_and_withdrawn_entries_are_listed_separately(history):
    content = _report(history)
    assert _titles(content.retired) == ["Ausgemustert"]
    assert _titles(content.withdrawn) == ["Zurückgezogen"]


def test_counts_by_risk_class_status_and_department_describe_the_end_of_the_period(history):
    content = _report(history)
    status = {bar.key: bar.count for bar in content.by_status}
    assert status["retired"] == 1
    assert sum(status.values()) == 5
    assert {bar.label: bar.count for bar in content.by_department} == {
        "Bürgeramt": 2,
        "Sozialamt": 3,
    }
    assert {bar.key: bar.count for bar in content.by_risk_class}["minimal"] == 5


def test_decisions_are_counted_and_named_only_for_published_entries(history):
    content = _report(history)
    outcomes = {bar.key: bar.count for bar in content.decisions_by_outcome}
    assert content.decisions_total == 3
    assert outcomes == {"approved": 2, "changes_requested": 0, "rejected": 1}
    assert _titles(content.decisions) == ["Neu im Februar", "Silvester"]
    assert content.decisions_unnamed == 1  # the rejected internal proposal is only counted


def test_overdue_reviews_are_counted_at_the_end_of_the_period(history):
    assert _report(history).overdue_reviews == 1


def test_an_earlier_period_shows_the_register_as_it_was_then(history):
    content = _report(history, Period(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)))
    assert content.total_at_start == 0
    assert _titles(content.added) == ["Stetig", "Ausgemustert", "Geändert", "Zurückgezogen"]
    # Stetig's review (30.06.2025) was not yet due at the end of 2024.
    assert content.overdue_reviews == 0


def test_a_running_period_shows_the_state_of_today(history):
    content = build_report_content(history, Period.year(2025), now=moment(2025, 8, 1))
    assert not content.is_complete
    assert content.reference_day == datetime.date(2025, 8, 1)
    assert "Ausgemustert" not in _titles(content.retired)  # retired in September


def test_the_report_names_no_staff_and_no_internal_reasons(history, board_member, iso):
    html = render_report_html(_report(history))
    for secret in (
        board_member.email,
        iso.email,
        "head@x.example",
        "Vertraulicher Grund XYZ",
        "Nutzen belegt",
        "Vertrag beendet",
        "Geheimhaltung ABC",
        "Internes Vorhaben",
        "Fremd",
    ):
        assert secret not in html
    assert "Neu im Februar" in html


def test_the_report_names_a_stadt_with_her_article_and_possessive(history):
    html = render_report_html(_report(history))
    assert "welche KI-Anwendungsfälle die Stadt Lindenfeld im Zeitraum" in html
    assert "in ihrem öffentlichen KI-Register" in html


@pytest.mark.parametrize(
    ("name", "phrase"),
    [
        ("Landkreis Birkenau", "der Landkreis Birkenau im Zeitraum"),
        ("Amt Birkenau", "das Amt Birkenau im Zeitraum"),
        ("Gemeinde Birkenau", "die Gemeinde Birkenau im Zeitraum"),
        ("Birkenau", "die Organisation „Birkenau“ im Zeitraum"),
    ],
)
def test_the_report_names_other_kinds_of_organisation_with_their_articles(
    organisation, name, phrase
):
    organisation.name = name
    html = render_report_html(_report(organisation))
    possessive = "seinem" if name.startswith(("Landkreis", "Amt")) else "ihrem"
    assert f"{phrase} vom 01.01.2025 bis 31.12.2025 in {possessive} öffentlichen" in html


def test_every_public_entry_of_the_report_links_to_its_page(history):
    content = _report(history)
    html = render_report_html(content)
    for entry in [*content.added, *content.changed, *content.retired, *content.decisions]:
        link = f'href="/anwendungsfaelle/{entry.use_case_id}/">{entry.title}</a>'
        assert link in html, entry.title
    # A withdrawn entry has no public page left to link to.
    (withdrawn,) = content.withdrawn
    assert f"/anwendungsfaelle/{withdrawn.use_case_id}/" not in html


def _headings(html):
    """Headings and captions as (text, the text between it and the one before)."""
    found, end = [], 0
    for match in re.finditer(r"<(h[1-6]|caption)\b[^>]*>(.*?)</\1>", html, re.S):
        between = re.sub(r"<[^>]+>", "", html[end : match.start()]).strip()
        found.append((re.sub(r"<[^>]+>", "", match.group(2)).strip(), between))
        end = match.end()
    return found


def test_no_heading_is_repeated_by_the_caption_or_heading_right_after_it(history):
    html = render_report_html(_report(history))
    headings = _headings(html)
    doubled = [
        (first, second)
        for (first, _), (second, between) in itertools.pairwise(headings)
        if not between and second.lower().startswith(first.lower())
    ]
    assert doubled == []
    assert len(headings) > 10  # the report's sections, sub-headings and chart captions


def test_the_pdf_says_the_same_and_links_entries_under_the_site_address(history, settings):
    from governance.reports.rendering import render_report_pdf
    from tests.governance.pdf_text import pdf_links, pdf_structure_types, pdf_text

    settings.SITE_URL = "https://ki.lindenfeld.example/"
    content = _report(history)
    pdf = render_report_pdf(content, render_report_html(content))
    text = " ".join(pdf_text(pdf).split())
    assert "welche KI-Anwendungsfälle die Stadt Lindenfeld im Zeitraum" in text
    assert "in ihrem öffentlichen KI-Register" in text
    assert "Entscheidungen zu veröffentlichten Anwendungsfällen Entscheidungen zu" not in text
    new = content.added[0]
    assert f"https://ki.lindenfeld.example/anwendungsfaelle/{new.use_case_id}/" in pdf_links(pdf)
    # The links stay tagged: PDF/UA wants each in the structure tree.
    assert {"Document", "H1", "H2", "H3", "Table", "Link"} <= pdf_structure_types(pdf)


def test_the_report_content_takes_a_fixed_number_of_queries(history, django_assert_num_queries):
    # The public history, the decisions, the objections and, to link entries, the public ones:
    # one query each, not one per entry.
    with django_assert_num_queries(4):
        _report(history)
