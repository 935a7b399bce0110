"""The workspace's evidence page in a real browser: axe-clean at 320 px and at desktop width,
without horizontal overflow, also with its error summary after a refused upload."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import check_page
from tests.e2e.test_workspace_pages import log_in
from tests.evidence.conftest import attach

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_workspace_evidence_page_is_accessible_and_uploads(
    page, live_server, idp, department_head, use_case, tmp_path
):
    attach(department_head, "use_case", use_case.pk)
    log_in(
        page,
        live_server,
        idp,
        department_head,
        next_path=f"/arbeitsbereich/{use_case.pk}/nachweise/",
    )
    expect(page.locator("h1")).to_have_text("Nachweise und Dokumente", use_inner_text=True)
    check_page(page, "workspace-evidence")
    # A refused upload: the error summary names the file and is itself accessible.
    fake = tmp_path / "dsfa.pdf"
    fake.write_bytes(b"<html><script>alert(1)</script></html>")
    form = page.locator("#upload-title + form")
    form.get_by_label("Bezeichnung").fill("DSFA")
    form.get_by_label("Stand des Nachweises").fill("2026-11-02")
    form.get_by_label("Anlass").fill("abgeschlossen")
    form.get_by_label("Datei").set_input_files(str(fake))
    form.get_by_role("button", name="Dokument speichern").press("Enter")
    expect(page.locator("#error-summary")).to_be_visible()
    check_page(page, "workspace-evidence-errors")
