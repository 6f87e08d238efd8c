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
