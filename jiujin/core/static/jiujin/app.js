// Small progressive enhancements; everything works without JavaScript.
// Loaded without `defer` (in <head>): only delegated listeners here, nothing that needs the page yet.
document.documentElement.classList.add("js");

document.addEventListener("click", (event) => {
  const target = event.target.closest("[data-confirm]");
  if (target && !window.confirm(target.dataset.confirm)) event.preventDefault();
});

// The phone menu: the button shows and hides the whole menu (CSS hides it on narrow screens once scripted).
document.addEventListener("click", (event) => {
  const toggle = event.target.closest(".menu-toggle");
  if (!toggle) return;
  const menu = document.getElementById(toggle.getAttribute("aria-controls"));
  const open = toggle.getAttribute("aria-expanded") !== "true";
  toggle.setAttribute("aria-expanded", String(open));
  menu.classList.toggle("open", open);
});

// A menu group's drop-down closes when the user clicks anywhere else (or opens another group).
document.addEventListener("click", (event) => {
  for (const group of document.querySelectorAll(".nav-group[open]")) {
    if (!group.contains(event.target)) group.open = false;
  }
});

// Person pickers (cadres/_person_picker.html): a tapped suggestion fills the name and the hidden token;
// typing again clears the token, so what is saved is always what the box shows.
document.addEventListener("click", (event) => {
  const option = event.target.closest("[data-pick]");
  if (!option) return;
  const picker = option.closest("[data-person-picker]");
  const text = picker.querySelector("[data-person-text]");
  picker.querySelector("[data-person-token]").value = option.dataset.pick;
  text.value = option.dataset.label;
  text.setAttribute("aria-expanded", "false");
  option.closest("[role=listbox]").replaceChildren();
  text.focus();
});
document.addEventListener("input", (event) => {
  const text = event.target.closest && event.target.closest("[data-person-text]");
  if (!text) return;
  text.closest("[data-person-picker]").querySelector("[data-person-token]").value = "";
  text.setAttribute("aria-expanded", "true");
});
