/* Skip logic on the phone: a question with data-show-if="<field name>" and data-show-choices="0,2" is shown
   only while that earlier question has one of those options chosen. Hidden questions' inputs are disabled,
   so they are not sent; the server checks the same rule again and drops any answer to a skipped question. */
(function () {
  "use strict";
  function chosen(form, name) {
    var picked = [];
    form.querySelectorAll('[name="' + name + '"]').forEach(function (input) {
      if (input.checked && !input.disabled) picked.push(input.value);
    });
    return picked;
  }
  function apply(form) {
    // In order: a question hidden by an earlier one hides its own dependants too.
    form.querySelectorAll(".question[data-show-if]").forEach(function (box) {
      var wanted = box.dataset.showChoices.split(",");
      var show = chosen(form, box.dataset.showIf).some(function (v) { return wanted.indexOf(v) >= 0; });
      box.hidden = !show;
      box.querySelectorAll("input, textarea, select").forEach(function (input) { input.disabled = !show; });
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form.survey-fill");
    if (!form) return;
    form.addEventListener("change", function () { apply(form); });
    apply(form);
  });
})();
