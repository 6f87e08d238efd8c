// Visit pages: gift quick-pick chips and the death confirmation box. Everything works without it.
document.addEventListener("click", (event) => {
  const chip = event.target.closest("[data-gift]");
  if (!chip) return;
  const field = chip.closest("form")?.querySelector("[data-gift-field]");
  if (!field) return;
  // Tapping a chip adds the gift; tapping it again takes it out.
  const gifts = field.value.split(/[、,，\s]+/).filter(Boolean);
  const at = gifts.indexOf(chip.dataset.gift);
  if (at >= 0) gifts.splice(at, 1); else gifts.push(chip.dataset.gift);
  field.value = gifts.join("、");
  chip.setAttribute("aria-pressed", String(at < 0));
});

// The confirmation checkbox matters only for 去世; keep it out of the way otherwise.
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
