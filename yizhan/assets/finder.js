/* yizhan station finder: the nearest stations, a manual region picker and instant search.
 * Data comes from content-hashed script files written by yizhan.finder that call
 * window.yizhanFinder.load(kind, payload): plain <script> tags, not fetch(), so the finder also works
 * from file:// (a USB stick). Kinds, all with stations in one order (along a Hilbert curve):
 *   near  first screen: positions, levels, opening hours, regions, chunk file names;
 *   c<k>  ids, names and first hotline of the k-th run of stations (the nearest rows need one or two);
 *   data  what search needs first: ids, names, pinyin (loaded when the search box is used);
 *   more  the rest: addresses, operators, services, hotlines (loaded right after data).
 * Plain ES5, no libraries, no request to any other host. Data reaches the page through textContent only. */
(function (window, document) {
  "use strict";

  var SEP = "\u0001", NEAREST = 10, PAGE = 20, GEO_TIMEOUT = 5000, GEO_GRACE = 1500, EARTH_KM = 6371.0088;
  var LEVEL_KEYS = ["center", "station", "window", "point"];
  var MSG_MANUAL = "请手动选择所在地区，或在上方输入地名搜索。";
  var api = window.yizhanFinder = window.yizhanFinder || {};
  var queued = api.q || [], loaded = {}, waiting = {}, requested = {};
  var root = null, ui = {}, dataDir = "", pageBase = "", stationPath = "s/{id}.html";
  var near = null, lat = [], lon = [], townDistrict = [], districtCity = [], centres = {t: [], d: [], c: []};
  var data = null, more = null, hay = [], nameEnd = [], hayVersion = 0, lastSearch = null, lastPaint = "";
  var openMemo = {}, openAt = 0;
  var state = {pos: null, level: -1, mode: "", region: null, query: "", limit: PAGE, token: 0, geo: 0, repaint: false};

  /* ---- loading data files ---- */

  api.load = function (kind, payload) {
    loaded[kind] = payload;
    if (kind === "near") decodeNear(payload);
    if (near && loaded.data && !data) { data = loaded.data; buildHay(); }  // search data needs the near file
    if (data && loaded.more && !more) { more = loaded.more; buildHay(); }
    for (var k in waiting) if (waiting.hasOwnProperty(k) && ready(k)) flush(k);
  };

  /* A data file that failed to load (the page's own near <script> tag reports here). */
  api.failed = function (kind) {
    requested[kind] = false;
    var list = waiting[kind] || [];
    waiting[kind] = [];
    for (var i = 0; i < list.length; i++) if (list[i].fail) list[i].fail();
  };

  function ready(kind) { return kind === "data" ? !!data : kind === "more" ? !!more : !!loaded[kind]; }

  function flush(kind) {
    var list = waiting[kind] || [];
    waiting[kind] = [];
    for (var i = 0; i < list.length; i++) list[i].ok(loaded[kind]);
  }

  /* Load a data file once (a <script> tag) and call ok() when it is ready. */
  function need(kind, src, ok, fail) {
    if (ready(kind)) { ok(loaded[kind]); return; }
    (waiting[kind] = waiting[kind] || []).push({ok: ok, fail: fail});
    if (requested[kind]) return;
    requested[kind] = true;
    var s = document.createElement("script");
    s.src = src;
    s.async = true;
    s.onerror = function () { api.failed(kind); };
    (document.head || document.getElementsByTagName("head")[0] || document.documentElement).appendChild(s);
  }

  function loadFailed() {  // the next action tries again
    blank("驿站数据加载失败：请检查网络后刷新页面，或拨打服务热线 12371。");
    root.setAttribute("data-error", "load");
  }

  /* The search data, then (one after the other, so the first part arrives sooner) the rest. */
  function needData(ok) {
    need("data", root.getAttribute("data-data"), function () {
      if (!requested.more) need("more", root.getAttribute("data-more"), show, loadFailed);
      if (ok) ok();
    }, loadFailed);
  }

  function addTo(list, k, la, lo) {
    var c = list[k] || (list[k] = [0, 0, 0]);
    c[0] += la; c[1] += lo; c[2]++;
  }

  function decodeNear(p) {
    var a = 0, b = 0, i, key, list, c;
    near = p;
    for (i = 0; i < p.towns.length; i++) townDistrict[i] = p.towns[i][0];
    for (i = 0; i < p.districts.length; i++) districtCity[i] = p.districts[i][0];
    for (i = 0; i < p.n; i++) {
      a += p.lat[i];
      b += p.lon[i];
      lat[i] = a / 100000;
      lon[i] = b / 100000;
      var t = p.r[i], d = townDistrict[t];
      addTo(centres.t, t, lat[i], lon[i]);
      addTo(centres.d, d, lat[i], lon[i]);
      addTo(centres.c, districtCity[d], lat[i], lon[i]);
    }
    for (key in centres) {  // a region's centre is the mean position of its stations
      if (!centres.hasOwnProperty(key)) continue;
      list = centres[key];
      for (i = 0; i < list.length; i++) if ((c = list[i])) { c[0] /= c[2]; c[1] /= c[2]; }
    }
  }

  /* 'liang xi qu' → 'liangxiqu' SEP 'lxq'; a token starting with ~ is a non-Chinese run, kept whole. */
  function pinyin(tokens) {
    var parts = tokens ? tokens.split(" ") : [], full = "", ini = "";
    for (var i = 0; i < parts.length; i++) {
      var t = parts[i];
      if (!t) continue;
      if (t.charAt(0) === "~") { t = t.slice(1); full += t; ini += t; } else { full += t; ini += t.charAt(0); }
    }
    return full + SEP + ini;
  }

  function digitsOf(number) {
    return number.replace(/[^\d]/g, "");
  }

  /* One lowercase string per station: name and its pinyin first (nameEnd marks where they end), then the rest. */
  function buildHay() {
    var cpy = [], dpy = [], tpy = [], i, k;
    for (i = 0; i < data.cpy.length; i++) cpy[i] = pinyin(data.cpy[i]);
    for (i = 0; i < data.dpy.length; i++) dpy[i] = pinyin(data.dpy[i]);
    for (i = 0; i < data.tpy.length; i++) tpy[i] = pinyin(data.tpy[i]);
    for (i = 0; i < near.n; i++) {
      var t = near.r[i], d = townDistrict[t], c = districtCity[d];
      var head = (data.n[i] + SEP + pinyin(data.py[i])).toLowerCase();
      var rest = [near.cities[c] + near.districts[d][1] + near.towns[t][1], dpy[d], tpy[t], cpy[c]];
      if (more) {
        var nums = more.h[i] ? more.h[i].split("|") : [], digits = [], svc = [];
        for (k = 0; k < nums.length; k++) digits.push(digitsOf(nums[k]));
        for (k = 0; k < more.svc.length; k++) if (more.s[i] & (1 << k)) svc.push(more.svc[k]);
        rest.push(more.a[i], more.ops[more.o[i]], svc.join(" "), nums.join(" "), digits.join(" "));
      }
      nameEnd[i] = head.length;
      hay[i] = head + SEP + rest.join(SEP).toLowerCase();
    }
    hayVersion++;
  }

  /* Make sure the names of these stations are here (their chunks, or the search data). */
  function needDetails(items, ok) {
    if (data) { ok(); return; }
    var keys = {}, list = [], i, left;
    for (i = 0; i < items.length; i++) {
      var k = Math.floor(items[i] / near.chunk);
      if (!loaded["c" + k] && !keys[k]) { keys[k] = true; list.push(k); }
    }
    left = list.length;
    if (!left) { ok(); return; }
    for (i = 0; i < list.length; i++) {
      need("c" + list[i], dataDir + near.chunks[list[i]], function () { if (--left === 0) ok(); }, loadFailed);
    }
  }

  function telOf(num) { return "tel:" + num.replace(/[\s\-()（）]/g, ""); }

  /* Id, name and first hotline of a station (hotline null while still unknown). */
  function detail(i) {
    var k = Math.floor(i / near.chunk), c = loaded["c" + k], j = i - k * near.chunk, num = null, tel = null;
    if (more) {
      num = more.h[i] ? more.h[i].split("|")[0] : "";
      tel = more.t[i] && more.t[i]["0"];
    } else if (c) {
      num = c.h[j];
      tel = c.t[j];
    }
    return {id: data ? data.id[i] : c.id[j], name: data ? data.n[i] : c.n[j], num: num, tel: num ? tel || telOf(num) : ""};
  }

  /* ---- geometry and ranking ---- */

  function rad(x) { return x * Math.PI / 180; }

  /* Great-circle distance in km (haversine, as yizhan.geo.distance_km). */
  function distance(aLat, aLon, bLat, bLon) {
    var dp = rad(bLat - aLat), dl = rad(bLon - aLon);
    var h = Math.sin(dp / 2) * Math.sin(dp / 2) + Math.cos(rad(aLat)) * Math.cos(rad(bLat)) * Math.sin(dl / 2) * Math.sin(dl / 2);
    return 2 * EARTH_KM * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  /* A cheap stand-in that ranks like distance from `ref` (squared, flat-earth degrees). */
  function near2(ref, i) {
    var dx = (lon[i] - ref.lon) * ref.cos, dy = lat[i] - ref.lat;
    return dx * dx + dy * dy;
  }

  function withCos(ref) {
    if (ref) ref.cos = Math.cos(rad(ref.lat));
    return ref;
  }

  /* The `cap` items with the smallest keys; equal keys keep the order they were added in. */
  function Top(cap) { this.cap = cap; this.keys = []; this.items = []; this.total = 0; }
  Top.prototype.add = function (key, item) {
    var keys = this.keys, n = keys.length, lo = 0, hi = n, mid;
    this.total++;
    if (n >= this.cap && key >= keys[n - 1]) return;
    while (lo < hi) { mid = (lo + hi) >> 1; if (keys[mid] <= key) lo = mid + 1; else hi = mid; }
    keys.splice(lo, 0, key);
    this.items.splice(lo, 0, item);
    if (keys.length > this.cap) { keys.pop(); this.items.pop(); }
  };

  function level(i) { return near.lv.charCodeAt(i) - 48; }

  function levelWord() { return state.level < 0 ? "驿站" : near.levels[state.level]; }

  function shown(top) {
    return "共 " + top.total + " 个" + levelWord() + (top.total > top.items.length ? "，先显示 " + top.items.length + " 个" : "");
  }

  /* The centre and name of the picked region, or null. */
  function regionRef() {
    var r = state.region;
    if (!r || r.c < 0) return null;
    var c = r.t >= 0 ? centres.t[r.t] : r.d >= 0 ? centres.d[r.d] : centres.c[r.c];
    var name = r.t >= 0 ? near.towns[r.t][1] : r.d >= 0 ? near.districts[r.d][1] || "市本级" : near.cities[r.c];
    return withCos({lat: c[0], lon: c[1], name: name, label: "距" + name + "中心 "});
  }

  function nearestView() {
    var p = state.pos, ref = withCos({lat: p.lat, lon: p.lon, label: ""}), rough = new Top(2 * NEAREST), top = new Top(NEAREST), i;
    for (i = 0; i < near.n; i++) if (state.level < 0 || level(i) === state.level) rough.add(near2(ref, i), i);
    for (i = 0; i < rough.items.length; i++) top.add(distance(p.lat, p.lon, lat[rough.items[i]], lon[rough.items[i]]), rough.items[i]);
    var text = top.items.length ? "离您最近的 " + top.items.length + " 个" + levelWord() + "：" : "没有" + levelWord() + "。";
    return {items: top.items, total: top.total, text: text, ref: ref};
  }

  function regionView() {
    var r = state.region, ref = regionRef(), top = new Top(state.limit);
    for (var i = 0; i < near.n; i++) {
      var t = near.r[i], d = townDistrict[t];
      if ((state.level >= 0 && level(i) !== state.level) || (r.t >= 0 ? t !== r.t : r.d >= 0 ? d !== r.d : districtCity[d] !== r.c)) continue;
      top.add(level(i) * 1e6 + near2(ref, i), i);
    }
    var text = ref.name + shown(top) + (top.total ? "（按级别、距" + ref.name + "中心的距离排列）：" : "。");
    return {items: top.items, total: top.total, text: text, ref: ref};
  }

  /* Lowercase, half-width, no pinyin apostrophes, no outer spaces. */
  function normalize(q) {
    return q.replace(/[\uff01-\uff5e]/g, function (c) { return String.fromCharCode(c.charCodeAt(0) - 0xfee0); })
      .replace(/\u3000/g, " ").replace(/['’]/g, "").toLowerCase().replace(/^\s+|\s+$/g, "");
  }

  /* Words of the query; a phone-like word also matches as bare digits (0510-8270 → 05108270). */
  function parseTerms(norm) {
    var raw = norm.split(/\s+/), terms = [];
    for (var i = 0; i < raw.length; i++) {
      if (!raw[i]) continue;
      var d = /\d/.test(raw[i]) && /^[\d\-()+]+$/.test(raw[i]) ? digitsOf(raw[i]) : "";
      terms.push({t: raw[i], d: d !== raw[i] ? d : ""});
    }
    return terms;
  }

  function searchView() {
    var norm = normalize(state.query), terms = parseTerms(norm), n = terms.length, i, j, k, p;
    var ref = withCos(state.pos ? {lat: state.pos.lat, lon: state.pos.lon, label: ""} : state.mode === "region" ? regionRef() : null);
    // Typing on: only the stations that matched the shorter query can match the longer one.
    var last = lastSearch && lastSearch.version === hayVersion && norm.indexOf(lastSearch.norm) === 0 ? lastSearch.matches : null;
    var count = last ? last.length : near.n, matches = [], top = new Top(state.limit);
    for (j = 0; j < count; j++) {
      i = last ? last[j] : j;
      var h = hay[i], end = nameEnd[i], inName = true;
      for (k = 0; k < n; k++) {
        p = h.indexOf(terms[k].t);
        if (p < 0 && terms[k].d && h.indexOf(terms[k].d) >= 0) p = end;
        if (p < 0) break;
        if (p >= end) inName = false;
      }
      if (k < n) continue;
      matches.push(i);
      if (state.level >= 0 && level(i) !== state.level) continue;
      top.add((inName ? 0 : 1e6) + (ref ? near2(ref, i) : level(i)), i);  // name matches first, then nearest
    }
    lastSearch = {norm: norm, matches: matches, version: hayVersion};
    var text = top.total ? "找到 " + top.total + " 个" + levelWord() + (top.total > top.items.length ? "，先显示 " + top.items.length + " 个" : "") + "：" :
      "没有找到与“" + state.query + "”相关的" + levelWord() + "。" + (more ? "可以换个关键词，或拨打服务热线 12371。" : "正在加载更多数据…");
    return {items: top.items, total: top.total, text: text, ref: ref};
  }

  /* ---- rendering ---- */

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  function setStatus(text, warn) {
    ui.status.textContent = text;
    ui.status.className = "yz-f-status" + (warn ? " yz-f-warn" : "");
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  function km(d) {
    if (d < 1) return Math.max(10, Math.round(d * 100) * 10) + " 米";
    return (d < 100 ? d.toFixed(1) : String(Math.round(d))) + " 公里";
  }

  /* The station page's address relative to this page; from file:// a folder needs its index.html spelt out. */
  function stationHref(id) {
    var href = pageBase + stationPath.replace("{id}", encodeURIComponent(id));
    return href + (href.charAt(href.length - 1) === "/" && window.location.protocol === "file:" ? "index.html" : "");
  }

  function openNow(i) {
    var hi = near.hi[i], hours = window.yizhanHours, now = new Date();
    if (hi < 0 || !hours) return null;
    if (now.getTime() - openAt > 30000) { openMemo = {}; openAt = now.getTime(); }
    if (!openMemo.hasOwnProperty(hi)) {  // one Intl time-zone lookup per distinct hours (for 30 s), not per row
      try { openMemo[hi] = hours.isOpen(near.hours[hi], now, near.holidays); } catch (e) { openMemo[hi] = null; }
    }
    return openMemo[hi];
  }

  function row(i, ref) {
    var d = detail(i), t = near.r[i], li = el("li", "yz-f-hit"), a = el("a", "yz-f-name", d.name), lv = level(i);
    a.href = stationHref(d.id);
    li.appendChild(a);
    var meta = el("div", "yz-f-meta");
    meta.appendChild(el("span", "yz-level yz-level-" + LEVEL_KEYS[lv], near.levels[lv]));
    if (ref) meta.appendChild(el("span", "yz-f-dist", ref.label + km(distance(ref.lat, ref.lon, lat[i], lon[i]))));
    var open = openNow(i);
    if (near.hi[i] < 0) meta.appendChild(el("span", "yz-f-none", "未登记开放时间"));
    else if (open !== null) meta.appendChild(el("span", open ? "yz-f-open" : "yz-f-closed", open ? "现在营业" : "现在休息"));
    li.appendChild(meta);
    var district = near.districts[townDistrict[t]];
    li.appendChild(el("div", "yz-f-where", near.cities[district[0]] + " " + (district[1] || "市本级") + (near.towns[t][1] ? " · " + near.towns[t][1] : "")));
    if (d.num) {
      var tel = el("a", "yz-tel", d.num);
      tel.href = d.tel;
      li.appendChild(tel);
    } else if (d.num === "") {
      li.appendChild(el("div", "yz-f-none", "暂无热线，可打开站点页面查看上级驿站"));
    }
    return li;
  }

  function paint(view) {
    var frag = document.createDocumentFragment(), ref = view.ref;
    var key = [view.items.join(","), view.text, ref ? ref.lat + "," + ref.lon + ref.label : "", !!more, !!window.yizhanHours].join("|");
    if (key === lastPaint) return;  // typing on often leaves the results as they were
    lastPaint = key;
    for (var i = 0; i < view.items.length; i++) frag.appendChild(row(view.items[i], view.ref));
    clear(ui.results);
    ui.results.appendChild(frag);
    ui.count.textContent = view.text;
    ui.more.hidden = !(view.total > view.items.length && view.items.length >= state.limit);
    if (!window.yizhanHours && !state.repaint && document.readyState === "loading") {
      state.repaint = true;  // hours.js comes after this page's content: add open-now once it has run
      document.addEventListener("DOMContentLoaded", show);
    }
  }

  function blank(text) {
    clear(ui.results);
    ui.count.textContent = text;
    ui.more.hidden = true;
    lastPaint = "";
  }

  /* Draw the current view: search results, the picked region or the nearest stations. */
  function show() {
    var token = ++state.token, view = null;
    if (!near) return;
    if (state.query) {
      if (!data) {
        blank("正在加载驿站数据…");
        needData(show);
        return;
      }
      view = searchView();
    } else if (state.mode === "region" && state.region && state.region.c >= 0) {
      view = regionView();
    } else if (state.pos) {
      view = nearestView();
    }
    if (!view) { blank(""); return; }
    needDetails(view.items, function () { if (token === state.token) paint(view); });
  }

  /* Create hours.js's time-zone formatter while waiting for the network (the first one takes 50+ ms). */
  function warmHours() {
    if (window.yizhanHours && window.yizhanHours.nowInChina) window.yizhanHours.nowInChina();
  }

  function reshow() {
    state.limit = PAGE;
    show();
  }

  /* ---- location and the manual picker ---- */

  function showPicker() {
    ui.picker.hidden = false;
  }

  function geoFailed(code) {
    var why = code === 1 ? "无法获取您的位置（已拒绝定位）。" : code === 3 ? "定位超时：可能是网络原因。" :
      code === "insecure" ? "无法获取您的位置（此网址不支持定位）。" : "无法获取您的位置（位置信息不可用）。";
    setStatus(why + MSG_MANUAL, true);
    root.setAttribute("data-geo", code === 1 ? "denied" : code === 3 ? "timeout" : "unavailable");
    showPicker();
  }

  function locate(byUser) {
    var geo = navigator.geolocation, attempt = ++state.geo, settled = false;
    if (window.isSecureContext === false) { geoFailed("insecure"); return; }
    if (!geo) { geoFailed(2); return; }
    setStatus("正在获取您的位置…", false);
    root.setAttribute("data-geo", "asking");
    var timer = setTimeout(function () {
      if (!settled && attempt === state.geo) { settled = true; geoFailed(3); }
    }, GEO_TIMEOUT + GEO_GRACE);  // Chrome waits for a permission answer before its own timeout starts
    function ok(p) {
      clearTimeout(timer);
      if (attempt !== state.geo) return;
      var late = settled;  // a position after our timeout still counts
      settled = true;
      state.pos = {lat: p.coords.latitude, lon: p.coords.longitude};
      root.setAttribute("data-geo", "ok");
      setStatus("已获取您的位置。", false);
      if (byUser || !late || state.mode !== "region") state.mode = "near";
      reshow();
    }
    function err(e) {
      clearTimeout(timer);
      if (settled || attempt !== state.geo) return;
      settled = true;
      geoFailed(e && e.code);
    }
    try {
      geo.getCurrentPosition(ok, err, {enableHighAccuracy: false, timeout: GEO_TIMEOUT, maximumAge: 600000});
    } catch (e) {
      err({code: 2});
    }
  }

  function option(select, value, text) {
    var o = el("option", null, text);
    o.value = value;
    select.appendChild(o);
  }

  function resetSelect(select, text, disabled) {
    clear(select);
    option(select, "", text);
    select.disabled = disabled;
  }

  function fillCities() {
    resetSelect(ui.city, "请选择城市", false);
    for (var i = 0; i < near.cities.length; i++) option(ui.city, String(i), near.cities[i]);
  }

  function num(select) { return select.value === "" ? -1 : +select.value; }

  function pick() {
    var c = num(ui.city);
    state.region = {c: c, d: num(ui.district), t: num(ui.town)};
    state.mode = c >= 0 ? "region" : state.pos ? "near" : "";
    reshow();
  }

  function onCity() {
    var c = num(ui.city);
    resetSelect(ui.district, "全部区县", c < 0);
    resetSelect(ui.town, "全部街道/镇", true);
    for (var i = 0; i < near.districts.length; i++) {
      if (near.districts[i][0] === c) option(ui.district, String(i), near.districts[i][1] || "市本级");
    }
    pick();
  }

  function onDistrict() {
    var d = num(ui.district), any = false;
    resetSelect(ui.town, "全部街道/镇", true);
    for (var i = 0; i < near.towns.length; i++) {
      if (near.towns[i][0] === d && near.towns[i][1]) { option(ui.town, String(i), near.towns[i][1]); any = true; }
    }
    ui.town.disabled = !any;
    pick();
  }

  /* ---- wiring ---- */

  function onQuery(source) {
    var value = source.value;
    if (source === ui.place && ui.q.value !== value) ui.q.value = value;
    if (source === ui.q && ui.place.value !== value) ui.place.value = value;
    state.query = value.replace(/^\s+|\s+$/g, "");
    reshow();
  }

  /* ?s=… prefills the search (not ?q=: Material opens its own search dialog for that). */
  function queryParam() {
    var m = /[?&]s=([^&#]*)/.exec(window.location.search || "");
    if (!m) return "";
    try { return decodeURIComponent(m[1].replace(/\+/g, " ")); } catch (e) { return ""; }
  }

  function on(node, event, fn) { node.addEventListener(event, fn, false); }

  function init() {
    root = document.getElementById("yz-finder");
    if (!root || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var ids = ["q", "status", "locate", "manual", "picker", "city", "district", "town", "place", "count", "results", "more"];
    for (var i = 0; i < ids.length; i++) ui[ids[i]] = document.getElementById("yz-" + ids[i]);
    var nearSrc = root.getAttribute("data-near");
    dataDir = nearSrc.slice(0, nearSrc.lastIndexOf("/") + 1);
    pageBase = root.getAttribute("data-base") || "";
    stationPath = root.getAttribute("data-station") || stationPath;
    var chips = root.querySelectorAll(".yz-f-chip");
    for (i = 0; i < chips.length; i++) {
      on(chips[i], "click", function () {
        state.level = +this.getAttribute("data-level");
        for (var k = 0; k < chips.length; k++) chips[k].setAttribute("aria-pressed", chips[k] === this ? "true" : "false");
        reshow();
      });
    }
    on(ui.q, "input", function () { onQuery(ui.q); });
    on(ui.place, "input", function () { onQuery(ui.place); });
    on(ui.q, "focus", function () { needData(); });
    on(ui.place, "focus", function () { needData(); });
    on(ui.locate, "click", function () { locate(true); });
    on(ui.manual, "click", function () { showPicker(); ui.city.focus(); });
    var form = root.querySelector("form");
    if (form) on(form, "submit", function (e) { e.preventDefault(); });
    on(ui.more, "click", function () { state.limit += PAGE; show(); });
    on(ui.city, "change", onCity);
    on(ui.district, "change", onDistrict);
    on(ui.town, "change", pick);
    var q = queryParam();
    if (q) {
      ui.q.value = ui.place.value = q;
      state.query = q.replace(/^\s+|\s+$/g, "");
    }
    // The page starts loading the near file itself (an async <script> its preload scanner finds at once);
    // files that arrived before this script are in the queue of the page's stub loader.
    if (document.getElementById("yz-near-js") && !api.nearFailed) requested.near = true;
    for (i = 0; i < queued.length; i++) api.load(queued[i][0], queued[i][1]);
    queued = [];
    need("near", nearSrc, function () { fillCities(); show(); warmHours(); }, loadFailed);
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { setTimeout(warmHours, 0); });
    if (state.query) needData();
    locate(false);
  }

  api.init = init;
  init();
  if (!root) document.addEventListener("DOMContentLoaded", init);
})(window, document);
