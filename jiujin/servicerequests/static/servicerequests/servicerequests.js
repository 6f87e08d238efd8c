// Service-request pages: hold the board's 15 s refresh while a dispatcher is typing in it, and keep Enter in
// the intake form's cadre search from submitting a half-filled form. Everything works without it.
document.addEventListener("htmx:beforeRequest", (event) => {
  const board = event.detail.elt;
  if (!board.matches || !board.matches("[data-board]")) return;
  const focused = document.activeElement;
  if (focused && board.contains(focused) && focused.matches("input, select, textarea")) event.preventDefault();
});

document.addEventListener("keydown", (event) => {
  const field = event.target.closest && event.target.closest("[data-typeahead]");
  if (!field || event.key !== "Enter") return;
  event.preventDefault();
  if (window.htmx) window.htmx.trigger(field, "search");
});
