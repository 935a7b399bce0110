"""An entry whose periodic review has passed says so in public, and its page changes that day."""

import datetime

import pytest
from django.utils import timezone

from registry.public.entry import review_overdue_since
from tests.conftest import make_use_case

pytestmark = pytest.mark.django_db

DUE = datetime.date(2026, 10, 1)


def test_a_review_is_overdue_from_the_day_after_its_date():
    assert review_overdue_since(DUE, "in_operation", DUE) is None
    assert review_overdue_since(DUE, "in_operation", DUE + datetime.timedelta(days=1)) == DUE
    assert review_overdue_since(None, "in_operation", DUE) is None


def test_a_retired_use_case_owes_no_review():
    assert review_overdue_since(DUE, "retired", DUE + datetime.timedelta(days=30)) is None


def publish_due(department_head, department, publish, due):
    use_case = make_use_case(department_head, department, "Wohngeld", next_review_date=due)
    record = publish(use_case)
    assert record.next_review_date == due
    return record


@pytest.fixture
def due_entry(department_head, department, publish):
    return publish_due(department_head, department, publish, DUE)


def on(monkeypatch, day):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: day)


def test_the_entry_page_marks_an_overdue_review(client, due_entry, monkeypatch):
    url = f"/anwendungsfaelle/{due_entry.use_case_id}/"
    on(monkeypatch, DUE)
    assert "überfällig" not in client.get(url).content.decode()
    on(monkeypatch, DUE + datetime.timedelta(days=1))
    assert "Überprüfung überfällig seit 1. Oktober 2026" in client.get(url).content.decode()


def test_the_day_a_review_becomes_overdue_changes_the_pages_tag(
    client, department_head, department, publish, monkeypatch
):
    # Published before the review falls due, as it happens: the page changes with the day only.
    due = timezone.localdate() + datetime.timedelta(days=10)
    entry = publish_due(department_head, department, publish, due)
    url = f"/anwendungsfaelle/{entry.use_case_id}/"
    on(monkeypatch, due)
    before = client.get(url)
    assert client.get(url, headers={"if-none-match": before["ETag"]}).status_code == 304
    on(monkeypatch, due + datetime.timedelta(days=1))
    after = client.get(url, headers={"if-none-match": before["ETag"]})
    # The cached copy without the mark is stale: a full answer with a new tag.
    assert after.status_code == 200 and after["ETag"] != before["ETag"]
    assert "überfällig" in after.content.decode()
    # Last-Modified moves to the start of the overdue day, so date-only revalidation sees it too.
    since = client.get(url, headers={"if-modified-since": before["Last-Modified"]})
    assert since.status_code == 200
    assert after["Last-Modified"] != before["Last-Modified"]


def test_the_overdue_mark_is_shown_in_english_with_an_english_date(client, due_entry, monkeypatch):
    on(monkeypatch, DUE + datetime.timedelta(days=3))
    client.cookies["django_language"] = "en"
    html = client.get(f"/anwendungsfaelle/{due_entry.use_case_id}/").content.decode()
    # The lead adds the English text; the date is formatted for English already.
    assert "1 October 2026" in html
    assert "Oct. 1, 2026" not in html
