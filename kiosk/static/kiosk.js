// Check-in pages: back to an empty form after the thank-you screen, clear a form left half-filled (kiosk only),
// no double submit, and never show a page restored from the back/forward cache. Works without it, too.
(function () {
  "use strict";
  var body = document.body;
  var home = body.getAttribute("data-home") || "/";
  var wait = Number(body.getAttribute("data-return")) || 0;
  var idle = Number(body.getAttribute("data-idle")) || 0;
  var form = document.querySelector("form.checkin");

  window.addEventListener("pageshow", function (e) { if (e.persisted) location.reload(); });
  if (wait) {  // back to an empty form for the next member, with a countdown the member can stop (WCAG 2.2.1)
    var left = wait, hint = document.getElementById("yz-return"), stay = document.getElementById("yz-stay");
    var tick = setInterval(function () {
      left -= 1;
      if (left <= 0) { clearInterval(tick); location.replace(home); return; }
      if (hint) hint.textContent = left + " 秒后自动回到报到页面";
    }, 1000);
    if (stay) {
      stay.hidden = false;
      stay.addEventListener("click", function () {
        clearInterval(tick);
        stay.hidden = true;
        if (hint) hint.textContent = "已暂停自动返回：看完后请点“下一位报到”";
      });
    }
  }
  if (!form) return;

  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    setTimeout(function () { button.disabled = true; }, 0);
  });
  if (!idle) return;

  function typed() {
    var els = form.querySelectorAll("input[type=text], input[type=tel]");
    for (var i = 0; i < els.length; i++) if (els[i].value) return true;
    return !!document.querySelector(".msg, .alert");
  }
  function clear() {
    var els = form.querySelectorAll("input[type=text], input[type=tel]");
    for (var i = 0; i < els.length; i++) els[i].value = "";
    if (document.activeElement && document.activeElement.blur) document.activeElement.blur();
    location.replace(home);  // a fresh, empty form (also drops any error messages)
  }
  var timer = 0;
  function arm() {
    clearTimeout(timer);
    timer = setTimeout(function () { if (typed()) clear(); else arm(); }, idle * 1000);
  }
  ["input", "keydown", "pointerdown", "touchstart", "focusin", "change"].forEach(function (t) {
    document.addEventListener(t, arm, true);
  });
  arm();
})();
