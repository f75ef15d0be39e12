// Search fields (common/search.py): a match that is chosen moves up among the chosen ones, so a
// new search, which replaces the matches, does not take it away. Without this script the form
// still works: the chosen match is posted from where it is.
document.addEventListener("change", (event) => {
  const input = event.target;
  const picker = input.closest("[data-search-select]");
  if (!picker || !input.checked || !input.closest(".search-select-suggestions")) return;
  const chosen = picker.querySelector(".search-select-chosen");
  if (picker.dataset.multiple !== "true") chosen.replaceChildren();
  chosen.append(input.closest(".form-check"));
  input.focus();
});
