/* yizhan: "open now" for station opening hours, computed in the browser.
 * isOpen mirrors yizhan.hours.is_open; the JSON is yizhan.hours.to_json:
 * {"w": [[[start, end], ...] x 7 (Mo..Su, minutes, end exclusive)], "ph": null | [] | [[start, end], ...]}.
 * Plain ES5, no modules, no dependencies. */
(function (window, document) {
  "use strict";

  var formatter = null;
  var formatterTried = false;

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* An Intl formatter for Asia/Shanghai, or null when this browser has no time zone support. */
  function chinaFormatter() {
    if (!formatterTried) {
      formatterTried = true;
      try {
        var f = new Intl.DateTimeFormat("en-US", {
          timeZone: "Asia/Shanghai", hour12: false,
          year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"
        });
        if (typeof f.formatToParts === "function") formatter = f;
      } catch (e) {
        formatter = null;
      }
    }
    return formatter;
  }

  /* The date, weekday (Mo = 0) and minute of the day in China for a Date (default: now). */
  function nowInChina(date) {
    var d = date || new Date(), f = chinaFormatter(), y = NaN, m = NaN, day = NaN, hh = NaN, mm = NaN;
    if (f) {
      var parts = f.formatToParts(d), p = {};
      for (var i = 0; i < parts.length; i++) p[parts[i].type] = parts[i].value;
      y = +p.year; m = +p.month; day = +p.day; hh = +p.hour % 24; mm = +p.minute;  // some engines say 24 at midnight
    }
    if (isNaN(y + m + day + hh + mm)) {  // China has used UTC+8 all year since 1991
      var s = new Date(d.getTime() + 8 * 3600000);
      y = s.getUTCFullYear(); m = s.getUTCMonth() + 1; day = s.getUTCDate();
      hh = s.getUTCHours(); mm = s.getUTCMinutes();
    }
    var weekday = (new Date(Date.UTC(y, m - 1, day)).getUTCDay() + 6) % 7;
    return {ymd: y + "-" + pad(m) + "-" + pad(day), weekday: weekday, minute: hh * 60 + mm};
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
