// The event form: the death confirmation box. Everything works without it.
// The checkbox matters only for 去世; keep it out of the way otherwise.
function syncDeathConfirm(form) {
  const box = form.querySelector("[data-death-confirm]");
  if (!box) return;
  const kind = form.querySelector("input[name=kind]:checked");
  box.hidden = !(kind && kind.value === "death");
}
document.addEventListener("change", (event) => {
  const form = event.target.closest("form");
  if (form && event.target.name === "kind") syncDeathConfirm(form);
});
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("form.event-form").forEach(syncDeathConfirm);
});
