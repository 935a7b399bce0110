// Progressive enhancement of the risk step's decision tree: answers are sent and the next
// question is shown in place, without reloading the page. The server does all the work (the
// same pages answer without this script); this only swaps the step's main column.
(function () {
  "use strict";

  // The step's main column: heading, error summary, conflict notice and the tree.
  var REGION = "[data-risk-step]";

  function regionOf(doc) { return doc.querySelector(REGION); }

  function focusTarget(region) {
    return region.querySelector("[data-risk-tree-form] fieldset") ||
      region.querySelector("[data-risk-tree-form] input:not([type='hidden'])") ||
      region.querySelector("#risk-result-title");
  }

  function swapMessages(doc) {
    var current = document.querySelector(".site-messages");
    var incoming = doc.querySelector(".site-messages");
    if (current) { current.remove(); }
    var main = document.getElementById("main");
    if (incoming && main) { main.insertBefore(incoming, main.firstChild); }
  }

  function swap(html, url, push) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var incoming = regionOf(doc);
    var current = regionOf(document);
    if (!incoming || !current) { window.location.assign(url); return; }
    swapMessages(doc);
    current.replaceWith(incoming);
    document.title = doc.title;
    if (push) { window.history.pushState({riskTree: true}, "", url); }
    var target = incoming.querySelector("#error-summary, #conflict-summary") || focusTarget(incoming);
    if (target) {
      if (!target.hasAttribute("tabindex")) { target.setAttribute("tabindex", "-1"); }
      target.focus();
    }
  }

  function load(url, options, push) {
    return fetch(url, options).then(function (response) {
      // A login page or anything else than the step: let the browser show it whole.
      if (response.url.indexOf("/schritt/risiko/") === -1) {
        window.location.assign(response.url);
        return null;
      }
      return response.text().then(function (html) { swap(html, response.url, push); });
    }).catch(function () { window.location.assign(url); });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-risk-tree-form]") || !window.fetch) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type='submit']");
    if (button) { button.disabled = true; }
    load(form.action, {method: "POST", body: new FormData(form), credentials: "same-origin"}, true);
  });

  document.addEventListener("click", function (event) {
    var link = event.target instanceof Element ? event.target.closest("a[data-risk-tree-link]") : null;
    if (!link || !window.fetch || event.ctrlKey || event.metaKey || event.shiftKey) { return; }
    event.preventDefault();
    load(link.href, {credentials: "same-origin"}, true);
  });

  window.addEventListener("popstate", function () {
    if (regionOf(document)) { load(window.location.href, {credentials: "same-origin"}, false); }
  });
}());
