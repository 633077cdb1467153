// Progressive enhancement: show each slider's level as it moves, and tick "Hold" when a slider is moved.
for (const output of document.querySelectorAll("output[data-range]")) {
  const slider = document.getElementById(output.dataset.range);
  if (!slider) continue;
  const hold = slider.closest(".chorus-clamp")?.querySelector("input[type=checkbox]");
  slider.addEventListener("input", () => {
    output.value = Number(slider.value).toFixed(2);
    if (hold) hold.checked = true;
  });
}
