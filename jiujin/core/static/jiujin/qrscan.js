/* 扫码签到: read the QR code of a cadre's 爱心服务卡 with the phone's rear camera (or from a photo of the card),
   put the token in the enclosing form's card_token input and submit that form (templates/includes/qr_scanner.html).

   The reader is the browser's own BarcodeDetector where it reads QR codes (Android Chrome), else the
   barcode-detector ponyfill (vendor/, from npm) over zxing-wasm, whose .wasm this site serves (data-wasm): never a
   CDN. An htmx swap may replace the form after each check-in: the camera then carries on in the new form's
   scanner, so a worker scans one card after another without touching the screen. */
(function () {
  "use strict";
  if (window.jiujinQrScan) { window.jiujinQrScan.bindAll(document); return; }  // included again by a swap

  var SCAN_EVERY_MS = 150;
  var SAME_CARD_GAP_MS = 2000;  // a card held in view is sent once; taken away this long and shown again: again
  var PHOTO_MAX_PX = 1600;  // phone photos are 12 MP: scaled down they decode faster and as well
  var detector = null;
  var live = null;  // {stream, root}: the open camera and the scanner showing it
  var last = {token: "", seen: 0};
  var audio = null;
  var sent = null;  // the scanner whose card is being checked in: it shows a refusal the page did not swap in

  function getDetector(wasmUrl) {
    if (!detector) {
      detector = (async function () {
        var Native = window.BarcodeDetector;
        if (Native && Native.getSupportedFormats) {
          try {
            if ((await Native.getSupportedFormats()).indexOf("qr_code") >= 0) return new Native({formats: ["qr_code"]});
          } catch (e) { /* a native API without QR: fall through to the ponyfill */ }
        }
        var api = window.BarcodeDetectionAPI;
        if (!api) throw new Error("扫码组件未加载，请刷新页面");
        await api.prepareZXingModule({
          overrides: {locateFile: function (path, prefix) { return path.endsWith(".wasm") ? wasmUrl : prefix + path; }},
          fireImmediately: true,
        });
        return new api.BarcodeDetector({formats: ["qr_code"]});
      })();
      detector.catch(function () { detector = null; });  // a failed load is tried again on the next press
    }
    return detector;
  }

  function parts(root) {
    var form = root.closest("form");
    if (!form) {
      var input = document.querySelector("input[name=card_token]");
      form = input && input.form;
    }
    return {
      form: form,
      input: form && form.querySelector("input[name=card_token]"),
      start: root.querySelector(".qrscan-start"),
      stop: root.querySelector(".qrscan-stop"),
      file: root.querySelector(".qrscan-file"),
      view: root.querySelector(".qrscan-view"),
      video: root.querySelector(".qrscan-video"),
      status: root.querySelector(".qrscan-status"),
    };
  }

  function say(root, text, kind) {
    var status = parts(root).status;
    status.textContent = text;
    status.className = "qrscan-status" + (kind ? " qrscan-" + kind : "");
  }

  function feedback() {
    if (navigator.vibrate) navigator.vibrate(120);
    if (!audio) return;
    var osc = audio.createOscillator();
    var gain = audio.createGain();
    osc.frequency.value = 1046;  // a short high C: heard in a busy hall
    gain.gain.value = 0.15;
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.12);
  }

  function unlockAudio() {  // browsers allow sound only after a tap: make the context on the first one
    var Ctx = window.AudioContext || window.webkitAudioContext;
    if (!audio && Ctx) { try { audio = new Ctx(); } catch (e) { audio = null; } }
    if (audio && audio.state === "suspended") audio.resume();
  }

  function submit(root, token) {
    var p = parts(root);
    if (!p.form || !p.input) { say(root, "页面缺少签到表单", "error"); return; }
    var now = Date.now();
    var still = token === last.token && now - last.seen < SAME_CARD_GAP_MS;
    last = {token: token, seen: now};
    if (still) return;
    feedback();
    say(root, "已读取服务卡，正在签到……", "ok");
    p.input.value = token;
    sent = root;
    if (p.form.requestSubmit) { p.form.requestSubmit(); return; }
    var event = new Event("submit", {bubbles: true, cancelable: true});  // htmx listens for this
    if (p.form.dispatchEvent(event)) p.form.submit();
  }

  function stopCamera() {
    if (!live) return;
    live.stream.getTracks().forEach(function (t) { t.stop(); });
    var p = parts(live.root);
    p.view.hidden = true;
    p.start.hidden = false;
    live = null;
  }

  function show(root, stream) {
    var p = parts(root);
    live = {stream: stream, root: root};
    p.video.srcObject = stream;
    p.view.hidden = false;
    p.start.hidden = true;
    var played = p.video.play();
    if (played && played.catch) played.catch(function () { /* autoplay of a muted video: allowed */ });
    say(root, "对准服务卡上的二维码，读到后自动签到");
    scan(root);
  }

  async function scan(root) {
    var p = parts(root);
    var reader;
    try { reader = await getDetector(root.dataset.wasm); } catch (e) { say(root, e.message || "扫码组件加载失败", "error"); return; }
    while (live && live.root === root) {
      if (!root.isConnected) {  // swapped out: the next scanner takes the camera over, else it is closed
        setTimeout(function () { if (live && !live.root.isConnected) stopCamera(); }, 1500);
        return;
      }
      if (p.video.readyState >= 2) {
        try {
          var codes = await reader.detect(p.video);
          if (codes.length && codes[0].rawValue) submit(root, codes[0].rawValue);
        } catch (e) { /* a frame that could not be read: try the next one */ }
      }
      await new Promise(function (done) { setTimeout(done, SCAN_EVERY_MS); });
    }
  }

  async function startCamera(root) {
    unlockAudio();
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      say(root, "此页面无法打开摄像头（需要 HTTPS 访问）。请点“上传卡片照片”，拍下服务卡的二维码。", "error");
      return;
    }
    say(root, "正在打开摄像头……");
    getDetector(root.dataset.wasm).catch(function () {});  // load the reader while the camera starts
    try {
      var stream = await navigator.mediaDevices.getUserMedia({
        video: {facingMode: {ideal: "environment"}, width: {ideal: 1280}, height: {ideal: 720}},
        audio: false,
      });
      show(root, stream);
    } catch (e) {
      say(root, "无法使用摄像头（未获允许或没有摄像头）。请点“上传卡片照片”。", "error");
    }
  }

  async function readPhoto(root, file) {
    unlockAudio();
    say(root, "正在识别照片……");
    try {
      var reader = await getDetector(root.dataset.wasm);
      var bitmap = await createImageBitmap(file);
      var scale = Math.min(1, PHOTO_MAX_PX / Math.max(bitmap.width, bitmap.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      var codes = await reader.detect(canvas);
      if (!codes.length && scale < 1) codes = await reader.detect(bitmap);  // small code in a big photo
      if (codes.length && codes[0].rawValue) { last.token = ""; submit(root, codes[0].rawValue); }
      else say(root, "照片中没有找到二维码：请让二维码清晰、占满画面再拍一次。", "error");
    } catch (e) {
      say(root, "照片无法识别，请重拍或改用扫码。", "error");
    }
  }

  function bind(root) {
    if (root.dataset.qrscanBound) return;
    root.dataset.qrscanBound = "1";
    var p = parts(root);
    p.start.addEventListener("click", function () { startCamera(root); });
    p.stop.addEventListener("click", stopCamera);
    p.file.addEventListener("change", function () {
      if (p.file.files.length) readPhoto(root, p.file.files[0]);
      p.file.value = "";  // the same photo may be chosen again
    });
    if (live && !live.root.isConnected) show(root, live.stream);  // the form was swapped while scanning
  }

  function bindAll(scope) {
    if (scope.matches && scope.matches("[data-qrscan]")) bind(scope);
    if (scope.querySelectorAll) scope.querySelectorAll("[data-qrscan]").forEach(bind);
  }

  window.jiujinQrScan = {bindAll: bindAll};
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { bindAll(document); });
  else bindAll(document);
  document.addEventListener("htmx:load", function (event) { bindAll(event.target); });
  document.addEventListener("htmx:responseError", function (event) {
    // A refused card (forged, void, another community's) answers 404, which htmx does not swap in: say it here.
    var form = sent && parts(sent).form;
    if (!form || event.target !== form) return;
    var root = sent.isConnected ? sent : document.querySelector("[data-qrscan]");
    if (!root) return;
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    say(root, status === 404 ? "无法识别的服务卡：可能已作废（已重新制卡），或该老干部不在您的管辖范围内。"
      : "签到未成功，请稍后再试。", "error");
  });
  window.addEventListener("pagehide", stopCamera);
})();
