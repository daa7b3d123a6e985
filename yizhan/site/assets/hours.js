/* yizhan: "open now" and the next change for station opening hours, computed in the browser.
 * state and status mirror yizhan.hours.state_at and status_zh; the JSON is yizhan.hours.to_json, day tables
 * with the rules already applied in order: {"w": [day x 7 (Mo..Su)], "ph": null | day, "phw": [day x 7]?}, where
 * a day lists [start, end] open and [start, end, "?"] unknown intervals (minutes, end exclusive; closed elsewhere),
 * "ph" is a public holiday's day ("phw" when it depends on the weekday), and null "ph" without "phw" means
 * holidays are ordinary days.
 * Plain ES5, no modules, no dependencies. */
(function (window, document) {
  "use strict";

  var DAYS_ZH = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];
  var STATE_ZH = {open: "现在营业", closed: "现在休息", unknown: "营业时间以电话确认为准，请先来电"};
  var LOOKAHEAD = 8;  // days ahead that the next change is looked for
  var CLASSES = {open: "yz-open", closed: "yz-closed", unknown: "yz-unknown"};

  function pad(n) {
    return (n < 10 ? "0" : "") + n;
  }

  function hm(minute) {
    return pad(Math.floor(minute / 60)) + ":" + pad(minute % 60);
  }

  /* The date, weekday (Mo = 0) and minute of the day in China for a Date (default: now), `days` days later.
   * China has used UTC+8 all year since 1991, so a fixed offset is exact (and far cheaper than an
   * Intl time-zone formatter, which costs 50+ ms to create on a slow phone). */
  function nowInChina(date, days) {
    var s = new Date((date || new Date()).getTime() + 8 * 3600000 + (days || 0) * 86400000);
    var y = s.getUTCFullYear(), m = s.getUTCMonth() + 1, day = s.getUTCDate();
    var weekday = (s.getUTCDay() + 6) % 7;
    return {ymd: y + "-" + pad(m) + "-" + pad(day), weekday: weekday, minute: s.getUTCHours() * 60 + s.getUTCMinutes()};
  }

  function isHoliday(list, ymd) {
    for (var i = 0; i < list.length; i++) if (list[i] === ymd) return true;
    return false;
  }

  /* The intervals of a day (a weekday, a public holiday or not). */
  function dayOf(json, weekday, holiday) {
    if (holiday && json.phw) return json.phw[weekday];
    if (holiday && json.ph != null) return json.ph;
    return json.w[weekday];
  }

  function stateIn(day, minute) {
    var unknown = false;
    for (var i = 0; i < day.length; i++) {
      if (day[i][0] <= minute && minute < day[i][1]) {
        if (day[i].length < 3) return "open";
        unknown = true;
      }
    }
    return unknown ? "unknown" : "closed";
  }

  /* "open", "closed" or "unknown" at `date` in China; `holidays` lists "YYYY-MM-DD" public holidays. */
  function state(json, date, holidays) {
    var now = nowInChina(date);
    return stateIn(dayOf(json, now.weekday, isHoliday(holidays || [], now.ymd)), now.minute);
  }

  function isOpen(json, date, holidays) {
    return state(json, date, holidays) === "open";
  }

  /* {days, minute, state} of the first change after `date` within LOOKAHEAD days, or null. */
  function nextChange(json, date, holidays) {
    var list = holidays || [], now = nowInChina(date), current = state(json, date, list), k, i;
    for (k = 0; k <= LOOKAHEAD; k++) {
      var d = k ? nowInChina(date, k) : now, day = dayOf(json, d.weekday, isHoliday(list, d.ymd)), marks = [0];
      for (i = 0; i < day.length; i++) marks.push(day[i][0], day[i][1]);
      marks.sort(function (a, b) { return a - b; });
      for (i = 0; i < marks.length; i++) {
        var m = marks[i];
        if (m >= 1440 || (!k && m <= now.minute)) continue;
        var s = stateIn(day, m);
        if (s !== current) return {days: k, minute: m, state: s};
      }
    }
    return null;
  }

  function always(json) {
    var days = json.w.concat(json.phw || (json.ph ? [json.ph] : [])), i;
    for (i = 0; i < days.length; i++) {
      if (days[i].length !== 1 || days[i][0][0] !== 0 || days[i][0][1] !== 1440 || days[i][0].length > 2) return false;
    }
    return true;
  }

  /* {state, text}: "现在营业 · 17:30 关门", "现在休息 · 明天 08:30 开门", "现在休息 · 周一 08:30 开门",
   * "现在营业 · 全天营业", "现在休息" or the unknown line, as yizhan.hours.status_zh says it. */
  function status(json, date, holidays) {
    var list = holidays || [], current = state(json, date, list), text = STATE_ZH[current];
    if (current === "unknown") return {state: current, text: text};
    if (always(json)) return {state: current, text: text + " · 全天营业"};
    var change = nextChange(json, date, list);
    if (!change || change.state === "unknown") return {state: current, text: text};
    var k = change.days, m = change.minute, when, minute = nowInChina(date).minute;
    if (change.state === "closed" && m === 0 && k) { k -= 1; m = 1440; }  // closes at midnight: 24:00 of the day before
    if (k === 0 || (change.state === "closed" && k === 1 && m < minute)) when = "";  // today, or closing overnight
    else if (k === 1) when = "明天 ";
    else when = (k >= 7 ? "下" : "") + DAYS_ZH[(nowInChina(date).weekday + k) % 7] + " ";
    return {state: current, text: text + " · " + when + hm(m) + " " + (change.state === "open" ? "开门" : "关门")};
  }

  function parseAttr(el, name) {
    var raw = el && el.getAttribute ? el.getAttribute(name) : null;
    if (!raw) return null;
    try { return JSON.parse(raw); } catch (e) { return null; }
  }

  /* Fill every [data-hours] element with its status line and class yz-open / yz-closed / yz-unknown. */
  function render() {
    var els = document.querySelectorAll("[data-hours]"), now = new Date();
    var pageHolidays = parseAttr(document.body, "data-holidays");
    for (var i = 0; i < els.length; i++) {
      var el = els[i], json = parseAttr(el, "data-hours");
      if (!json || !json.w) continue;
      var st = status(json, now, parseAttr(el, "data-holidays") || pageHolidays || []);
      el.textContent = st.text;
      if (el.classList) {
        for (var key in CLASSES) if (CLASSES.hasOwnProperty(key) && key !== st.state) el.classList.remove(CLASSES[key]);
        el.classList.add(CLASSES[st.state]);
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

  window.yizhanHours = {isOpen: isOpen, state: state, nextChange: nextChange, status: status, nowInChina: nowInChina, render: render};
  subscribe();
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { subscribe(); render(); });
  } else {
    render();
  }
})(window, document);
