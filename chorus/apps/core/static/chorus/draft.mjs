// Keeps a connector's half-typed form on the phone until the server has saved it.
// The draft lives in this browser only and is deleted as soon as the saved page is shown.
const savedPanel = document.querySelector("[data-draft-saved]");
if (savedPanel) {
  localStorage.removeItem(`chorus-draft:${savedPanel.dataset.draftSaved}`);
}

const form = document.querySelector("form[data-draft]");
if (form) {
  const key = `chorus-draft:${form.dataset.draft}`;
  const status = document.getElementById("draft-status");
  const fields = () => Array.from(form.elements).filter((el) => el.name && el.name !== "csrfmiddlewaretoken");
  const formIsEmpty = () => !form.elements.text || form.elements.text.value.trim() === "";

  const saved = JSON.parse(localStorage.getItem(key) || "null");
  if (saved && formIsEmpty()) {
    for (const el of fields()) {
      if (!(el.name in saved)) continue;
      if (el.type === "radio" || el.type === "checkbox") el.checked = saved[el.name] === el.value;
      else el.value = saved[el.name];
    }
    if (status) status.textContent = "We restored what you typed before. Check it and save.";
  }

  const store = () => {
    const data = {};
    for (const el of fields()) {
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) continue;
      data[el.name] = el.value;
    }
    localStorage.setItem(key, JSON.stringify(data));
  };
  form.addEventListener("input", store);
  form.addEventListener("change", store);
}
