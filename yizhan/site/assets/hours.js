/* yizhan: "open now" for station opening hours, computed in the browser.
 * isOpen mirrors yizhan.hours.is_open; the JSON is yizhan.hours.to_json:
 * {"w": [[[start, end], ...] x 7 (Mo..Su, minutes, end exclusive)], "ph": null | [] | [[start, end], ...]}.
 * Plain ES5, no modules, no dependencies. */
(function (window, document) {
  "use strict";

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* The date, weekday (Mo = 0) and minute of the day in China for a Date (default: now).
   * China has used UTC+8 all year since 1991, so a fixed offset is exact (and far cheaper than an
   * Intl time-zone formatter, which costs 50+ ms to create on a slow phone). */
  function nowInChina(date) {
    var s = new Date((date || new Date()).getTime() + 8 * 3600000);
    var y = s.getUTCFullYear(), m = s.getUTCMonth() + 1, day = s.getUTCDate();
    var weekday = (s.getUTCDay() + 6) % 7;
    return {ymd: y + "-" + pad(m) + "-" + pad(day), weekday: weekday, minute: s.getUTCHours() * 60 + s.getUTCMinutes()};
  }

  /* Whether the hours say open at `date` in China; `holidays` lists "YYYY-MM-DD" public holidays. */
  function isOpen(json, date, holidays) {
    var now = nowInChina(date), list = holidays || [], holiday = false, i;
    for (i = 0; i < list.length; i++) if (list[i] === now.ymd) holiday = true;
    var ivs = holiday && json.ph != null ? json.ph : json.w[now.weekday];
    for (i = 0; i < ivs.length; i++) if (ivs[i][0] <= now.minute && now.minute < ivs[i][1]) return true;
    return false;
  }

  function parseAttr(el, name) {
    var raw = el && el.getAttribute ? el.getAttribute(name) : null;
    if (!raw) return null;
    try { return JSON.parse(raw); } catch (e) { return null; }
  }

  /* Fill every [data-hours] element with 现在营业 / 现在休息 and class yz-open / yz-closed. */
  function render() {
    var els = document.querySelectorAll("[data-hours]"), now = new Date();
    var pageHolidays = parseAttr(document.body, "data-holidays");
    for (var i = 0; i < els.length; i++) {
      var el = els[i], json = parseAttr(el, "data-hours");
      if (!json || !json.w) continue;
      var open = isOpen(json, now, parseAttr(el, "data-holidays") || pageHolidays || []);
      el.textContent = open ? "现在营业" : "现在休息";
      if (el.classList) {
        el.classList.remove(open ? "yz-closed" : "yz-open");
        el.classList.add(open ? "yz-open" : "yz-closed");
      }
    }
  }

  var subscribed = false;
  /* Material for MkDocs swaps pages without reloading (instant navigation): re-render on each page. */
  function subscribe() {
    var doc$ = window.document$;
    if (!subscribed && doc$ && typeof doc$.subscribe === "function") {
      subscribed = true;
      doc$.subscribe(function () { render(); });
    }
  }

  window.yizhanHours = {isOpen: isOpen, nowInChina: nowInChina, render: render};
  subscribe();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { subscribe(); render(); });
  } else {
    render();
  }
})(window, document);
