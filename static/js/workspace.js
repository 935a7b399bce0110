// Progressive enhancement of the guided form: move focus to the error summary after a failed
// save. The risk step's decision tree has its own script (risk-tree.js).
(function () {
  "use strict";

  function summaryFocus() {
    var summary = document.getElementById("error-summary");
    if (summary) { summary.focus(); }
  }

  document.addEventListener("DOMContentLoaded", summaryFocus);
}());
