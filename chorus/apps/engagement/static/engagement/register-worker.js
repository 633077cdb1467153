// Registers the worker that keeps the connector's form working with no signal and, on any other page that
// cannot be reached offline, shows the offline page instead of the browser's own. Loaded only for people who
// record conversations; its addresses come from the script tag's data attributes (no inline script).
(function () {
  const script = document.currentScript;
  if (!script || !("serviceWorker" in navigator)) return;
  navigator.serviceWorker.register(script.dataset.workerUrl, { scope: script.dataset.workerScope }).catch(() => {});
})();
