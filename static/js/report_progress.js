// The admin page of a transparency report being rendered: show the worker's progress and reload
// once it has finished. The address to ask comes from the script element's data-progress-url.
(function () {
  const url = document.currentScript.dataset.progressUrl;
  async function poll() {
    try {
      const answer = await fetch(url, {headers: {"Accept": "application/json"}, credentials: "same-origin"});
      if (answer.ok) {
        const state = await answer.json();
        document.querySelectorAll("[data-report-progress]").forEach(function (bar) { bar.value = state.progress; });
        document.querySelectorAll("[data-report-percent]").forEach(function (text) { text.textContent = state.progress + " %"; });
        if (state.finished) { window.location.reload(); return; }
      }
    } catch (error) { /* a network hiccup: try again */ }
    window.setTimeout(poll, 2000);
  }
  window.setTimeout(poll, 1000);
})();
