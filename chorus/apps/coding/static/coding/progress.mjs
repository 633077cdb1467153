// Poll a background run's progress and update the page; without JavaScript the page has a Refresh link.
const box = document.querySelector("[data-progress-url]");

async function poll() {
  const response = await fetch(box.dataset.progressUrl, { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const run = await response.json();
  const status = document.getElementById("run-status");
  const bar = document.getElementById("run-progress");
  const count = run.total ? ` (${run.done} of ${run.total})` : "";
  status.textContent = `${run.status_display}${run.phase ? ": " + run.phase : ""}${count}`;
  bar.value = run.percent;
  bar.textContent = `${run.percent}%`;
  if (run.active) {
    window.setTimeout(poll, 2000);
  } else if (run.status === "done") {
    window.location.assign(box.dataset.doneUrl);
  }
}

if (box) window.setTimeout(poll, 1000);
