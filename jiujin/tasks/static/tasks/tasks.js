// The record form: gift quick-pick chips. Everything works without it.
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
