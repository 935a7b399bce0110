// Progressive enhancement of the risk step: classify the answers live while the user types.
// The form works without this script; the server classifies on every save.
(function () {
  "use strict";

  function summaryFocus() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  function facts(container) {
    var result = {};
    container.querySelectorAll("fieldset[id^='id_risk-']").forEach(function (fieldset) {
      var key = fieldset.id.replace("id_risk-", "");
      var inputs = fieldset.querySelectorAll("input");
      if (!inputs.length) { return; }
      if (inputs[0].type === "checkbox") {
        result[key] = Array.prototype.filter.call(inputs, function (i) { return i.checked; })
          .map(function (i) { return i.value; });
        return;
      }
      var checked = fieldset.querySelector("input:checked");
      if (!checked) { return; }
      if (checked.value === "true" || checked.value === "false") {
        result[key] = checked.value === "true";
      } else if (checked.value === "") {
        if (key === "excluded") { result[key] = null; }
      } else {
        result[key] = checked.value;
      }
    });
    return result;
  }

  function render(target, data) {
    var strong = target.querySelector("[data-risk-class]");
    var list = target.querySelector("[data-risk-reasons]");
    if (!strong || !list) { return; }
    var labels = JSON.parse(target.closest("[data-risk-questionnaire]").getAttribute("data-risk-labels") || "{}");
    strong.setAttribute("data-risk-class", data.risk_class);
    strong.textContent = labels[data.risk_class] || data.risk_class;
    list.textContent = "";
    data.reasons.forEach(function (reason) {
      var item = document.createElement("li");
      var article = document.createElement("strong");
      article.textContent = reason.article;
      item.appendChild(article);
      item.appendChild(document.createTextNode(": " + reason.text));
      list.appendChild(item);
    });
  }

  function enhanceRisk(container) {
    var target = container.querySelector("#risk-result");
    var endpoint = container.getAttribute("data-risk-endpoint");
    if (!target || !endpoint || !window.fetch) { return; }
    var pending = null;
    container.addEventListener("change", function () {
      if (pending) { pending.abort(); }
      pending = new AbortController();
      fetch(endpoint, {
        method: "POST",
        headers: {"Content-Type": "application/json", "Accept": "application/json",
                  "Accept-Language": document.documentElement.lang || "de"},
        body: JSON.stringify(facts(container)),
        credentials: "same-origin",
        signal: pending.signal
      }).then(function (response) {
        return response.ok ? response.json() : null;
      }).then(function (data) {
        if (data) { render(target, data); }
      }).catch(function () { /* The server classifies on save; nothing is lost. */ });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    summaryFocus();
    document.querySelectorAll("[data-risk-questionnaire]").forEach(enhanceRisk);
  });
}());
