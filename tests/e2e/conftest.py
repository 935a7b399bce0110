"""Headless Chromium (Debian's package) through Playwright, axe-core checks and screenshots."""

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import skip_or_fail

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent / "screenshots"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        skip_or_fail("Chromium is not installed (apt-get install chromium)")
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "de-DE"}


# The listener below reports every violation (Chromium's own console line for it would be a
# second report, and one that cannot tell the site's from axe-core's).
CSP_MARK = "Content Security Policy violation:"
# Chromium logs what the policy blocked; the event names the directive and what was blocked.
# axe-core, which the tests inject, adds a <style> element of its own on some pages (the admin's
# hidden calendar widgets): what it causes while it runs is the test's, not the site's.
REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  if (window.__axeRunning) return;
  console.error(`Content Security Policy violation: ${event.effectiveDirective} blocked `
    + `${event.blockedURI || "inline"} on ${event.documentURI}`);
});
"""


@pytest.fixture(autouse=True)
def csp_violations(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """What the Content-Security-Policy blocked on any page of the test; the test fails on any.

    Every browser context (pytest-playwright's and the tests' own) listens from its first page on.
    """
    from playwright.sync_api import Browser

    reported: list[str] = []
    new_context = Browser.new_context

    def listening_context(self: Browser, *args: Any, **kwargs: Any) -> Any:
        context = new_context(self, *args, **kwargs)
        context.add_init_script(REPORT_VIOLATIONS)
        context.on(
            "console",
            lambda message: reported.append(message.text) if CSP_MARK in message.text else None,
        )
        return context

    monkeypatch.setattr(Browser, "new_context", listening_context)
    yield reported
    assert not reported, "\n".join(reported)


def assert_accessible(page: Any, name: str) -> None:
    """Run axe-core's WCAG 2.1 A/AA rules on the page, write a screenshot, fail on any violation."""
    from axe_playwright_python.sync_playwright import Axe

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    page.evaluate("window.__axeRunning = true")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    # Violation events are delivered as tasks of their own: let them arrive before the flag ends.
    page.evaluate(
        "new Promise((done) => setTimeout(() => { window.__axeRunning = false; done(); }, 50))"
    )
    violations = results.response["violations"]
    assert not violations, results.generate_report()


def screenshot(page: Any, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


# Words (runs of two or more letters) drawn on more than one line although they would fit on one:
# the browser broke them mid-letter to fit a squeezed column, which reads as nonsense
# ("Anwen / dungsf / all"). A word wider than its whole column may break; nothing else can help it;
# nor can a word inside a longer unspaced token (a web address) that does not fit the column.
BROKEN_WORDS = r"""
() => {
  const broken = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const word = /\p{L}{2,}/gu;
  const context = document.createElement("canvas").getContext("2d");
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    // A closed <details> draws nothing but its summary.
    const hidden = "script, style, [hidden], .visually-hidden, .ws-visually-hidden, "
      + "details:not([open]) > :not(summary)";
    if (!parent || parent.closest(hidden)) continue;
    const box = parent.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // clipped for screen readers only
    for (const match of node.data.matchAll(word)) {
      const range = document.createRange();
      range.setStart(node, match.index);
      range.setEnd(node, match.index + match[0].length);
      let rects = [...range.getClientRects()].filter((r) => r.width > 0);
      // After a soft hyphen the browser counts the drawn hyphen, on the line before, as a box.
      if (node.data[match.index - 1] === "\u00ad") rects = rects.slice(1);
      const lines = new Set(rects.map((r) => Math.round(r.top)));
      if (lines.size < 2) continue;
      // A word wider than its whole column cannot be kept whole; one that fits must not break.
      context.font = getComputedStyle(parent).font;
      let block = parent;
      while (block.parentElement && getComputedStyle(block).display.startsWith("inline")) {
        block = block.parentElement;
      }
      const style = getComputedStyle(block);
      const padding = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
      const room = block.clientWidth - padding;
      // The word's whole unspaced token (a web address, "Stufe-3-Kriterium"): one wider than
      // the column breaks somewhere, and where is the browser's choice.
      const start = node.data.slice(0, match.index).search(/\S*$/);
      const rest = node.data.slice(match.index).match(/^\S*/)[0];
      const token = node.data.slice(start, match.index) + rest;
      if (context.measureText(token).width > room) continue;
      if (context.measureText(match[0]).width <= room) broken.push(match[0]);
    }
  }
  return broken.slice(0, 10);
}
"""


def assert_reflows(page: Any, name: str) -> None:
    """No horizontal scrolling of the page and no word broken mid-letter (WCAG 1.4.10)."""
    page.wait_for_load_state()  # a click's navigation may not have committed yet
    width = page.viewport_size["width"]
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{name}: {scroll_width} px wide at {width} px"
    broken = page.evaluate(BROKEN_WORDS)
    assert not broken, f"{name}: words broken mid-letter at {width} px: {broken}"
    screenshot(page, f"reflow-{name}-{width}")


def check_page(page: Any, name: str, widths: tuple[int, ...] = (320, 1280)) -> None:
    """Reflow (WCAG 1.4.10) and axe-core at each width: the check every page type gets."""
    for width in widths:
        page.set_viewport_size({"width": width, "height": 900})
        assert_reflows(page, name)
        assert_accessible(page, f"{name}-{width}")
