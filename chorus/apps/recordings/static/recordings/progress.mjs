// While a recording is being written down, ask how far it has got every few seconds and show it in place
// (announced politely to screen readers); once it is done, show the finished page. Without this script the
// page has a "Check again" link.
const box = document.querySelector("[data-progress]");
const EVERY_MS = 3000;

if (box) {
  const text = box.querySelector("[data-progress-text]");
  const bar = box.querySelector("[data-progress-bar]");
  const check = async () => {
    try {
      const answer = await fetch(box.dataset.progress, { headers: { Accept: "application/json" } });
      if (answer.ok) {
        const state = await answer.json();
        if (state.done) {
          window.location.reload();
          return;
        }
        if (text.textContent !== state.label) text.textContent = state.label;
        bar.value = state.progress;
        bar.textContent = `${state.progress}%`;
      }
    } catch {
      // No signal for a moment: try again at the next tick.
    }
    setTimeout(check, EVERY_MS);
  };
  setTimeout(check, EVERY_MS);
}
