// Keyboard shortcuts for the review queue. The page is a plain form that works without this script.
// a: accept all suggested; r: reject all (untick every box); 1-9: toggle a theme; j/k: next/previous; Enter: save.
const form = document.getElementById("review-form");

function typingInField(event) {
  const target = event.target;
  return target instanceof HTMLElement && (target.isContentEditable || ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName) && target.type !== "checkbox");
}

if (form) {
  const boxes = () => Array.from(form.querySelectorAll('input[type="checkbox"][name="themes"]'));
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey || typingInField(event)) return;
    const key = event.key;
    if (key === "a") {
      boxes().forEach((box) => { if (box.hasAttribute("data-suggested")) box.checked = true; });
    } else if (key === "r") {
      boxes().forEach((box) => { box.checked = false; });
    } else if (/^[1-9]$/.test(key)) {
      const box = form.querySelector(`input[data-key="${key}"]`);
      if (!box) return;
      box.checked = !box.checked;
      box.focus();
    } else if (key === "j" && form.dataset.next) {
      window.location.assign(form.dataset.next);
    } else if (key === "k" && form.dataset.previous) {
      window.location.assign(form.dataset.previous);
    } else if (key === "Enter" && !(event.target instanceof HTMLButtonElement) && !(event.target instanceof HTMLAnchorElement)) {
      form.requestSubmit();
    } else {
      return;
    }
    event.preventDefault();
  });
}
