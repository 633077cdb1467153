// Progressive enhancement: words selected in the resident's text become the quote (they can still type it).
const said = document.querySelector("[data-quote-source]");
const quote = document.getElementById("id_quote");
if (said && quote) {
  const hint = document.getElementById("id_quote-hint");
  if (hint) hint.textContent = "Select the words in what the resident said above, or copy them here exactly.";
  document.addEventListener("selectionchange", () => {
    const selection = document.getSelection();
    if (!selection || selection.isCollapsed || !said.contains(selection.anchorNode)) return;
    if (!said.contains(selection.focusNode)) return;
    const words = selection.toString().replace(/\s+/g, " ").trim();
    if (words) quote.value = words;
  });
}
