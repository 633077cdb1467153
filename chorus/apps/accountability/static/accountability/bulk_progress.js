// Keeps a bulk send's progress up to date without reloading the page; without JavaScript, a link refreshes it.
(function () {
  "use strict";
  var box = document.getElementById("bulk-progress");
  if (!box || box.dataset.finished === "yes") return;
  var bar = box.querySelector("progress");
  function part(name) { return box.querySelector('[data-part="' + name + '"]'); }
  function poll() {
    fetch(box.dataset.statusUrl, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        part("done").textContent = state.done.toLocaleString("en-GB");
        part("percent").textContent = state.percent;
        part("status").textContent = state.status;
        bar.value = state.done;
        if (state.finished) { window.location.reload(); } else { window.setTimeout(poll, 2000); }
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 2000);
})();
