// "复制段落": copies the paragraph to the clipboard (local script, no CDN); falls back to selecting the text.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var source = document.getElementById(button.getAttribute("data-copy"));
  var status = button.closest("section").querySelector(".copy-status");
  var text = source.textContent.trim();
  function done(message) { if (status) status.textContent = message; }
  function selectIt() {
    var range = document.createRange();
    range.selectNodeContents(source);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    var ok = false;
    try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
    done(ok ? "已复制，可粘贴到报告中。" : "已选中段落，请长按或按 Ctrl+C 复制。");
  }
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(function () { done("已复制，可粘贴到报告中。"); }, selectIt);
  } else {
    selectIt();
  }
});
