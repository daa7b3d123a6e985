/* yizhan station finder: the nearest stations, a manual region picker and instant search.
 * finder-boot.js, at the top of the page, has asked for the position and the nearest chunks already; the page
 * carries the index inline (window.yizhanFinderIndex, written by yizhan.finder): the regions with their chunks,
 * shared tables. Chunks are content-hashed
 * script files that call window.yizhanFinder.load("c<k>", payload): plain <script> tags, not fetch(), so the
 * finder also works from file:// (a USB stick). A chunk is a run of stations along a Hilbert curve, so a compact
 * area: the nearest stations need the one or two chunks nearest to you; the search loads them all, nearest first,
 * and shows what it has found so far; "more" (operators) comes last. A search also lists the site's own pages whose
 * title or headings match (ix.pages, a handful), so the header search of every page can lead here.
 * Plain ES5, no libraries, no request to any other host. Data reaches the page through textContent only. */
(function (window, document) {
  "use strict";

  var SEP = "\u0001", NEAREST = 10, PAGE = 10, GEO_TIMEOUT = 5000, GEO_GRACE = 1500, EARTH_KM = 6371.0088;
  var ROUND = 2, SCALE = 100000;  // chunks asked for per round while looking for the nearest; coordinates are 1e-5 degree
  var LEVEL_KEYS = ["center", "station", "window", "point"];
  var LOAD_FAILED = "驿站数据没有加载成功。";
  var MSG_MANUAL = "请手动选择所在地区，或在上方输入地名搜索。", BY_DISTANCE = "按距离排序（最近的在前）";
  var api = window.yizhanFinder = window.yizhanFinder || {};
  var ix = null, boot = null, root = null, ui = {}, pageBase = "", stationPath = "s/{id}.html", regionsHref = "";
  var chunks = [], loadedChunks = 0, more = null, moreAsked = false, regionCache = {}, lastShow = 0;
  var lat = [], lon = [], lv = [], town = [], hourIdx = [], hay = [], nameEnd = [], hayVersion = 0, lastSearch = null;
  var regionPy = null, townDistrict = [], districtCity = [], slots = [], pending = false, background = false, indexing = false;
  var openMemo = {}, openAt = 0, pageHay = [], noticeKey = "", pagesKey = "", moreFailed = false;
  var state = {pos: null, level: -1, mode: "", region: null, query: "", limit: PAGE, geo: 0};

  /* ---- data: the index and the chunk files ---- */

  api.load = function (kind, p) {
    if (kind === "more") {
      more = p;
      for (var i = 0; i < ix.n; i++) if (hay[i] !== undefined) addMore(i);
      hayVersion++;
    } else if (kind.charAt(0) === "c" && !chunks[p.k].data) {
      decodeChunk(p);
      if (background || state.query) indexSoon();
    }
    progress();
    schedule();
  };

  function request(k) { boot.request(k); }

  function requestMore() {
    if (moreAsked) return;
    moreAsked = true;
    moreFailed = false;
    var s = document.createElement("script");
    s.src = boot.data.dir + ix.more;
    s.async = true;
    s.onerror = function () { moreAsked = false; moreFailed = true; schedule(); };
    document.head.appendChild(s);
  }

  /* Every chunk, nearest to `ref` first (the search shows what it has found as they come). */
  function requestAll(ref) { boot.requestAll(ref); }

  function chunkOrder(ref, level) { return boot.order(ref, level); }

  /* After the first screen, the rest arrives quietly (a couple at a time), so that search and offline use are ready. */
  function startBackground() {
    if (background) return;
    background = true;
    var order = chunkOrder(refPoint(), -1), next = 0;
    function step() {
      while (next < order.length && chunks[order[next][1]].data) next++;
      if (next >= order.length) { requestMore(); return; }
      var k = order[next++][1];
      if (!boot.asked[k]) request(k);
      var wait = setInterval(function () { if (chunks[k].data || boot.failed[k]) { clearInterval(wait); step(); } }, 50);
    }
    setTimeout(function () { step(); step(); indexSoon(); }, 300);
  }

  function progress() {
    root.setAttribute("data-loaded", loadedChunks === ix.files.length ? (more ? "all" : "chunks") : String(loadedChunks));
    if (loadedChunks === ix.files.length) requestMore();
  }

  function decodeChunk(p) {
    var k = p.k, base = k * ix.chunk, a = 0, b = 0, i, j;
    chunks[k].data = p;
    loadedChunks++;
    for (j = 0; j < p.id.length; j++) {
      i = base + j;
      a += p.lat[j];
      b += p.lon[j];
      lat[i] = a / SCALE;
      lon[i] = b / SCALE;
      lv[i] = p.lv.charCodeAt(j) - 48;
      town[i] = p.r[j];
      hourIdx[i] = p.hi[j];
    }
  }

  /* Search strings of the loaded chunks, one chunk per task while the page is idle (not in a keystroke). */
  function indexSoon() {
    if (indexing) return;
    indexing = true;
    setTimeout(function step() {
      for (var k = 0; k < chunks.length; k++) {
        if (chunks[k].data && !chunks[k].indexed) { indexChunk(k); hayVersion++; setTimeout(step, 0); return; }
      }
      indexing = false;
    }, 0);
  }

  function indexChunk(k) {
    var c = chunks[k];
    for (var j = 0; j < c.data.id.length; j++) buildHay(k * ix.chunk + j, c.data, j);
    c.indexed = true;
  }

  /* Search strings of the loaded chunks not indexed yet (what indexSoon has not done by the time a search runs), nearest
   * chunks first; past `budget` ms (after at least one chunk) the rest waits for the next redraw. True when none is left. */
  function indexChunks(budget) {
    var built = false, start = new Date().getTime(), order = chunkOrder(refPoint(), -1), done = true;
    for (var n = 0; n < order.length; n++) {
      var k = order[n][1], c = chunks[k];
      if (!c.data || c.indexed) continue;
      if (built && new Date().getTime() - start > budget) { done = false; break; }
      indexChunk(k);
      built = true;
    }
    if (built) hayVersion++;
    return done;
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

  function digitsOf(number) { return number.replace(/[^\d]/g, ""); }

  /* One lowercase string per station: name and its pinyin first (nameEnd marks where they end), then the rest. */
  function buildHay(i, p, j) {
    var t = p.r[j], d = townDistrict[t], c = districtCity[d], k;
    var head = (p.n[j] + SEP + pinyin(p.py[j])).toLowerCase();
    var nums = p.h[j] ? p.h[j].split("|") : [], digits = [], svc = [];
    for (k = 0; k < nums.length; k++) digits.push(digitsOf(nums[k]));
    for (k = 0; k < ix.svc.length; k++) if (p.s[j] & (1 << k)) svc.push(ix.svc[k]);
    var rest = [ix.cities[c] + ix.districts[d][1] + ix.towns[t][1], regionPy.d[d], regionPy.t[t], regionPy.c[c],
      svc.join(" "), nums.join(" "), digits.join(" "), p.c[j], addressOf(i)];
    nameEnd[i] = head.length;
    hay[i] = head + SEP + rest.join(SEP).toLowerCase();
    if (more) addMore(i);
  }

  function addMore(i) {
    hay[i] += SEP + more.ops[more.o[i]].toLowerCase();
  }

  /* The street address: the chunk leaves out the city, district and town names it began with (bits 1, 2, 4 of ap). */
  function addressOf(i) {
    var k = Math.floor(i / ix.chunk), p = chunks[k].data, j = i - k * ix.chunk, bits = p.ap.charCodeAt(j) - 48;
    var t = town[i], d = townDistrict[t];
    return (bits & 1 ? ix.cities[districtCity[d]] : "") + (bits & 2 ? ix.districts[d][1] : "") + (bits & 4 ? ix.towns[t][1] : "") + p.a[j];
  }

  function telOf(num) {  // as finder.py's _derived_tel: E.164 for landlines and mobiles, short numbers as dialled
    var d = num.replace(/[\s\-()（）]/g, "");
    if (/^\d+$/.test(d) && ((d.charAt(0) === "0" && d.length >= 10) || (d.charAt(0) === "1" && d.length === 11))) {
      return "tel:+86" + (d.charAt(0) === "0" ? d.slice(1) : d);
    }
    return "tel:" + d;
  }

  /* Id, name and hotline n of a loaded station. */
  function detail(i, n) {
    var k = Math.floor(i / ix.chunk), p = chunks[k].data, j = i - k * ix.chunk;
    var num = p.h[j] ? p.h[j].split("|")[n] || "" : "", tel = p.t[j] && p.t[j][String(n)];
    return {id: p.id[j], name: p.n[j], num: num, tel: num ? tel || telOf(num) : ""};
  }

  /* Which hotline of station i a search by digits matched (0510-8270, 12371): the one the row should offer; else 0.
   * Only for the rows drawn, never for every station. */
  function matchedHotline(i, terms) {
    var k = Math.floor(i / ix.chunk), p = chunks[k].data, nums = p.h[i - k * ix.chunk].split("|"), n, m, q;
    if (!terms || nums.length < 2) return 0;
    for (m = 0; m < terms.length; m++) {
      q = terms[m].d || (/^\d{3,}$/.test(terms[m].t) ? terms[m].t : "");
      if (q) for (n = 0; n < nums.length; n++) if (digitsOf(nums[n]).indexOf(q) >= 0) return n;
    }
    return 0;
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
  function flat2(ref, la, lo) {
    var dx = (lo - ref.lon) * ref.cos, dy = la - ref.lat;
    return dx * dx + dy * dy;
  }

  function near2(ref, i) { return flat2(ref, lat[i], lon[i]); }

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

  function levelWord() { return state.level < 0 ? "驿站" : ix.levels[state.level]; }

  function regionName(r) { return r.t >= 0 ? ix.towns[r.t][1] : r.d >= 0 ? ix.districts[r.d][1] || "市本级" : ix.cities[r.c]; }

  /* The centre (mean position of its stations) and name of the picked region, or null while its chunks are not all here. */
  function regionRef() {
    var r = state.region, key, ks, n, i, a = 0, b = 0, m = 0;
    if (!r || r.c < 0) return null;
    key = r.c + "/" + r.d + "/" + r.t;
    if (!regionCache[key]) {
      ks = regionChunks(r);
      for (n = 0; n < ks.length; n++) if (!chunks[ks[n]].data) return null;
      for (n = 0; n < ks.length; n++) {
        for (i = ks[n] * ix.chunk; i < ks[n] * ix.chunk + chunks[ks[n]].data.id.length; i++) if (inRegion(r, i)) { a += lat[i]; b += lon[i]; m++; }
      }
      regionCache[key] = {lat: a / m, lon: b / m};
    }
    var ref = {lat: regionCache[key].lat, lon: regionCache[key].lon, name: regionName(r)};
    ref.label = "距" + ref.name + "中心 ";
    return withCos(ref);
  }

  function refPoint() {
    if (state.pos) return withCos({lat: state.pos.lat, lon: state.pos.lon, label: ""});
    return state.mode === "region" ? regionRef() : null;
  }

  /* The 10 nearest: chunks in order of their boxes' distance, until the next box is farther than the 10th station. */
  function nearestView() {
    var p = state.pos, ref = withCos({lat: p.lat, lon: p.lon, label: ""}), order = chunkOrder(ref, state.level);
    var rough = new Top(2 * NEAREST), top = new Top(NEAREST), missing = [], o, i;
    for (o = 0; o < order.length; o++) {
      var k = order[o][1], c = chunks[k];
      if (rough.items.length >= NEAREST && order[o][0] > rough.keys[NEAREST - 1] * 1.0001) break;
      if (!c.data) { missing.push(k); if (missing.length >= ROUND) break; continue; }
      for (i = k * ix.chunk; i < k * ix.chunk + c.data.id.length; i++) if (state.level < 0 || lv[i] === state.level) rough.add(near2(ref, i), i);
    }
    if (missing.length) return {missing: missing, text: "正在加载附近的驿站…"};
    for (i = 0; i < rough.items.length; i++) top.add(distance(p.lat, p.lon, lat[rough.items[i]], lon[rough.items[i]]), rough.items[i]);
    var text = top.items.length ? "离您最近的 " + top.items.length + " 个" + levelWord() + "：" : "没有" + levelWord() + "。";
    return {items: top.items, total: top.items.length, text: text, ref: ref, done: true, order: BY_DISTANCE};
  }

  function townIn(r, t) {
    var d = townDistrict[t];
    return r.t >= 0 ? t === r.t : r.d >= 0 ? d === r.d : districtCity[d] === r.c;
  }

  function inRegion(r, i) { return townIn(r, town[i]); }

  /* The chunks that hold the picked region's stations. */
  function regionChunks(r) {
    var seen = {}, out = [];
    for (var t = 0; t < ix.towns.length; t++) {
      if (!townIn(r, t)) continue;
      for (var n = 0; n < ix.tk[t].length; n++) if (!seen[ix.tk[t][n]]) { seen[ix.tk[t][n]] = true; out.push(ix.tk[t][n]); }
    }
    return out.sort(function (a, b) { return a - b; });  // stations in index order: ties keep one order
  }

  function regionView() {
    var r = state.region, top = new Top(state.limit), ks = regionChunks(r), missing = [], n, i;
    for (n = 0; n < ks.length; n++) if (!chunks[ks[n]].data) missing.push(ks[n]);
    if (missing.length) return {missing: missing, text: "正在加载" + regionName(r) + "的驿站…"};
    var ref = regionRef();
    for (n = 0; n < ks.length; n++) {
      var k = ks[n];
      for (i = k * ix.chunk; i < k * ix.chunk + chunks[k].data.id.length; i++) {
        if ((state.level >= 0 && lv[i] !== state.level) || !inRegion(r, i)) continue;
        top.add(lv[i] * 1e6 + near2(ref, i), i);
      }
    }
    var shown = "共 " + top.total + " 个" + levelWord() + (top.total > top.items.length ? "，先显示 " + top.items.length + " 个" : "");
    var text = ref.name + shown + (top.total ? "：" : "。");
    return {items: top.items, total: top.total, text: text, ref: ref, done: true,
      order: "按级别排序，同一级别按距" + ref.name + "中心的距离（近的在前）"};
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
      // a station code read the Crockford way: O is 0, I and L are 1, dashes do not count (qjobdf → qj0bdf)
      var c = /^[0-9a-z\-]{3,8}$/.test(raw[i]) ? raw[i].replace(/-/g, "").replace(/o/g, "0").replace(/[il]/g, "1") : "";
      terms.push({t: raw[i], d: d !== raw[i] ? d : "", c: c !== raw[i] && /\d/.test(c) ? c : ""});
    }
    return terms;
  }

  /* Chunks (and the more file) that failed to load and were not asked for again since. */
  function failures() {
    var out = [];
    for (var k = 0; k < ix.files.length; k++) if (boot.failed[k] && !chunks[k].data) out.push(k);
    return out;
  }

  /* Search: every word must match. With a position (or a picked region) the matches come nearest first, with their
   * distances; without, by match: a name that matches first, then by level. The row offers the hotline that matched. */
  function searchView() {
    var norm = normalize(state.query), terms = parseTerms(norm), n = terms.length, i, j, k, p, ref = refPoint();
    var loaded = loadedChunks === ix.files.length && !!more;
    if (!loaded) requestAll(ref);
    var broken = failures().length > 0 || (moreFailed && loadedChunks === ix.files.length);
    var indexed = indexChunks(30), complete = loaded && indexed;  // 30 ms: first results before every string is built
    // Typing on: only the stations that matched the shorter query can match the longer one.
    var last = lastSearch && lastSearch.version === hayVersion && norm.indexOf(lastSearch.norm) === 0 ? lastSearch.matches : null;
    var count = last ? last.length : ix.n, matches = [], top = new Top(state.limit);
    for (j = 0; j < count; j++) {
      i = last ? last[j] : j;
      var h = hay[i], end = nameEnd[i], inName = true;
      if (h === undefined) continue;
      for (k = 0; k < n; k++) {
        p = h.indexOf(terms[k].t);
        if (p < 0 && terms[k].d && h.indexOf(terms[k].d) >= 0) p = end;
        if (p < 0 && terms[k].c && h.indexOf(terms[k].c) >= 0) p = end;
        if (p < 0) break;
        if (p >= end) inName = false;
      }
      if (k < n) continue;
      matches.push(i);
      if (state.level >= 0 && lv[i] !== state.level) continue;
      top.add(ref ? near2(ref, i) : (inName ? 0 : 10) + lv[i], i);
    }
    lastSearch = {norm: norm, matches: matches, version: hayVersion};
    var wait = broken ? "（部分驿站数据没有加载成功）" : complete ? "" : "（仍在加载其余驿站…）";
    var text = top.total ? "找到 " + top.total + " 个" + levelWord() + (top.total > top.items.length ? "，先显示 " + top.items.length + " 个" : "") + wait + "：" :
      broken ? LOAD_FAILED : "没有找到与“" + state.query + "”相关的" + levelWord() + "。" + (complete ? "" : "正在加载更多数据…");
    var order = !ref ? "按匹配程度排序（名称相符的在前）" : ref.label ? "按距" + ref.name + "中心的距离排序（近的在前）" : BY_DISTANCE;
    return {items: top.items, total: top.total, text: text, ref: ref, done: complete, more: !indexed, terms: terms, order: order,
      notice: broken ? "error" : complete && !top.total ? "empty" : ""};
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

  function km(d) {
    if (d < 1) return Math.max(10, Math.round(d * 100) * 10) + " 米";
    return (d < 100 ? d.toFixed(1) : String(Math.round(d))) + " 公里";
  }

  /* A link of this site from this page; from file:// a folder needs its index.html spelt out. */
  function local(href) {
    return href + (href.charAt(href.length - 1) === "/" && window.location.protocol === "file:" ? "index.html" : "");
  }

  function stationHref(id) { return local(pageBase + stationPath.replace("{id}", encodeURIComponent(id))); }

  /* The station's open-now line ({state, text}: "现在营业 · 17:30 关门"), or null without hours; shared per pattern, 30 s. */
  function openNow(i) {
    var h = hourIdx[i], hours = window.yizhanHours, now = new Date();
    if (h < 0 || !hours) return null;
    if (now.getTime() - openAt > 30000) { openMemo = {}; openAt = now.getTime(); }
    if (!openMemo.hasOwnProperty(h)) openMemo[h] = hours.status(ix.hours[h], now, ix.holidays);
    return openMemo[h];
  }

  /* A result row, what a member needs first first: name (level and, when sorted by it, distance), open now, street
   * address, then the call button (the hotline the search matched, else the first). */
  function row(i, ref, open, n) {
    var d = detail(i, n), li = el("li", "yz-f-hit"), a = el("a", "yz-f-name", d.name);
    a.href = stationHref(d.id);
    li.appendChild(a);
    var meta = el("div", "yz-f-meta");
    meta.appendChild(el("span", "yz-level yz-level-" + LEVEL_KEYS[lv[i]], ix.levels[lv[i]]));
    if (ref) meta.appendChild(el("span", "yz-f-dist", ref.label + km(distance(ref.lat, ref.lon, lat[i], lon[i]))));
    li.appendChild(meta);
    if (hourIdx[i] < 0) li.appendChild(el("div", "yz-f-now")).appendChild(el("span", "yz-f-none", "未登记开放时间"));
    else if (open !== null) li.appendChild(el("div", "yz-f-now")).appendChild(el("span", "yz-f-" + open.state, open.text));
    li.appendChild(el("div", "yz-f-addr", addressOf(i)));
    if (d.num) {
      var tel = el("a", "yz-tel", "拨打 " + d.num);
      tel.href = d.tel;
      li.appendChild(tel);
    } else {
      li.appendChild(el("div", "yz-f-none", "暂无热线，可打开站点页面查看上级驿站"));
    }
    return li;
  }

  /* Draw the rows, touching only those that changed (typing on often leaves most of them as they were). */
  function paint(view) {
    var list = ui.results, ref = view.ref, where = ref ? ref.lat + "," + ref.lon + ref.label : "", n;
    for (n = 0; n < view.items.length; n++) {
      var i = view.items[n], open = openNow(i), tel = matchedHotline(i, view.terms), slot = slots[n];
      var key = i + "|" + where + "|" + (open && open.text) + "|" + tel;
      if (slot && slot.key === key) continue;
      var li = row(i, ref, open, tel);
      if (slot) list.replaceChild(li, slot.li); else list.appendChild(li);
      slots[n] = {key: key, li: li};
    }
    while (slots.length > view.items.length) list.removeChild(slots.pop().li);
    if (ui.count.textContent !== view.text) ui.count.textContent = view.text;
    ui.order.hidden = !view.items.length;
    if (ui.order.textContent !== view.order) ui.order.textContent = view.order || "";
    ui.more.hidden = !(view.total > view.items.length && view.items.length >= state.limit);
  }

  function blank(text) {
    while (slots.length) ui.results.removeChild(slots.pop().li);
    ui.count.textContent = text;
    ui.order.hidden = ui.more.hidden = true;
  }

  /* ---- notices: the load error (with a retry) and no results, each with ways forward ---- */

  function ways(retry) {
    var list = el("ul", "yz-ways"), item, a;
    if (retry) {
      var b = el("button", "yz-button", "重新加载");
      b.type = "button";
      b.id = "yz-retry";
      on(b, "click", again);
      list.appendChild(el("li")).appendChild(b);
    }
    a = el("a", "yz-button yz-button--quiet", "按地区浏览");
    a.href = local(regionsHref);
    list.appendChild(el("li")).appendChild(a);
    a = el("a", "yz-tel", "拨打 12371");
    a.href = "tel:12371";
    item = list.appendChild(el("li"));
    item.appendChild(a);
    return list;
  }

  /* kind: "error", "empty" or "" (none); the box around the count line becomes the notice. */
  function notice(kind) {
    var key = kind + "|" + state.level, help = ui.help, tips, d;
    if (key === noticeKey) return;
    noticeKey = key;
    ui.box.className = "yz-f-box" + (kind ? " yz-notice" + (kind === "error" ? " yz-notice--error" : "") : "");
    ui.box.setAttribute("role", kind === "error" ? "alert" : "none");
    while (help.firstChild) help.removeChild(help.firstChild);
    if (kind === "error") {
      help.appendChild(el("p", null, "可能是网络不稳定。请点“重新加载”；仍然不行，可以按地区浏览，或打电话问。"));
      help.appendChild(ways(true));
    } else if (kind === "empty") {
      tips = help.appendChild(el("ul", "yz-f-tips"));
      if (state.level >= 0) tips.appendChild(el("li", null, "现在只看“" + ix.levels[state.level] + "”：点上方“全部”再找"));
      tips.appendChild(el("li", null, "检查有没有错别字，或只输入名称里的两三个字"));
      for (d = 0; d < ix.districts.length && !ix.districts[d][1]; d++) continue;
      if (d < ix.districts.length) {
        tips.appendChild(el("li", null, "试试拼音或拼音首字母，如 " + regionPy.d[d].split(SEP)[1] + "（" + ix.districts[d][1] + "）"));
      }
      tips.appendChild(el("li", null, "按地区浏览，或打电话问"));
      help.appendChild(ways(false));
    }
  }

  /* The retry: ask again for every file that failed, then draw what comes. */
  function again() {
    var failed = failures();
    for (var n = 0; n < failed.length; n++) boot.request(failed[n]);
    if (moreFailed) { moreAsked = false; requestMore(); }
    notice("");
    root.removeAttribute("data-error");
    ui.count.textContent = "正在重新加载…";
    schedule();
  }

  /* ---- the site's own pages: a short list above the stations ---- */

  function paintPages() {
    var terms = state.query ? parseTerms(normalize(state.query)) : [], found = [], n, m, h, title, head;
    for (n = 0; n < pageHay.length && terms.length; n++) {
      h = pageHay[n];
      for (m = 0, title = true; m < terms.length; m++) {
        if (h.all.indexOf(terms[m].t) < 0) break;
        if (h.title.indexOf(terms[m].t) < 0) title = false;
      }
      if (m < terms.length) continue;
      head = "";
      for (m = 0; !title && m < h.heads.length; m++) if (h.heads[m].toLowerCase().indexOf(terms[0].t) >= 0) { head = h.heads[m]; break; }
      found.push([title ? 0 : 1, n, head]);
    }
    found.sort(function (a, b) { return a[0] - b[0] || a[1] - b[1]; });
    found = found.slice(0, 3);
    var key = JSON.stringify(found);
    if (key === pagesKey) return found.length;
    pagesKey = key;
    while (ui.pagelist.firstChild) ui.pagelist.removeChild(ui.pagelist.firstChild);
    for (n = 0; n < found.length; n++) {
      var page = ix.pages[found[n][1]], a = el("a", "yz-f-page", page[0]);
      a.href = local(page[1]);
      var li = ui.pagelist.appendChild(el("li"));
      li.appendChild(a);
      if (found[n][2]) a.appendChild(el("span", "yz-f-head", " · " + found[n][2]));
    }
    ui.pages.hidden = !found.length;
    return found.length;
  }

  /* Redraw once before the next frame, however many chunks arrive meanwhile. */
  function schedule() {
    if (pending) return;
    pending = true;
    // While a search is still loading, redraw at most every 300 ms (each redraw searches everything loaded so far),
    // but not before its first results are on screen.
    var wait = state.query && loadedChunks < ix.files.length && slots.length ? Math.max(0, lastShow + 300 - new Date().getTime()) : 0;
    setTimeout(function () { (window.requestAnimationFrame || setTimeout)(function () { pending = false; show(); }); }, wait);
  }

  /* Draw the current view: search results, the picked region or the nearest stations. */
  function show() {
    var view = null, pages = paintPages();
    lastShow = new Date().getTime();
    if (state.query) view = searchView();
    else if (state.mode === "region" && state.region && state.region.c >= 0) view = regionView();
    else if (state.pos) view = nearestView();
    if (!view) { blank(""); notice(""); return; }
    if (view.missing) {
      var broken = view.missing.filter(function (k) { return boot.failed[k]; });
      if (broken.length) {  // say so, with a retry (the next choice in the picker asks again too)
        blank(LOAD_FAILED);
        notice("error");
        root.setAttribute("data-error", "load");
        return;
      }
      for (var m = 0; m < view.missing.length; m++) request(view.missing[m]);
      blank(view.text);
      notice("");
      return;
    }
    if (view.notice === "error") root.setAttribute("data-error", "load"); else root.removeAttribute("data-error");
    paint(view);
    if (view.notice === "empty" && pages) {  // the pages found above are the answer
      ui.count.textContent = view.text.replace(/。$/, "，上面是找到的页面。");
      notice("");
    } else {
      notice(view.notice || "");
    }
    if (view.more) schedule();  // search strings still to build: search again soon
    if (view.done) startBackground();
  }

  function reshow() {
    state.limit = PAGE;
    show();
  }

  /* A new choice (level, region, position) asks again for what failed before. */
  function forget() {
    var failed = failures();
    for (var n = 0; n < failed.length; n++) boot.asked[failed[n]] = boot.failed[failed[n]] = false;
  }

  /* ---- location and the manual picker ---- */

  function showPicker() { ui.picker.hidden = false; }

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
      forget();
      reshow();
    }
    function err(e) {
      clearTimeout(timer);
      if (settled || attempt !== state.geo) return;
      settled = true;
      geoFailed(e && e.code);
    }
    if (!byUser && boot.asking) { boot.then(ok, err); return; }  // the page's first question is already out
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
    while (select.firstChild) select.removeChild(select.firstChild);
    option(select, "", text);
    select.disabled = disabled;
  }

  function fillCities() {
    resetSelect(ui.city, "请选择城市", false);
    for (var i = 0; i < ix.cities.length; i++) option(ui.city, String(i), ix.cities[i]);
  }

  function num(select) { return select.value === "" ? -1 : +select.value; }

  function pick() {
    var c = num(ui.city);
    state.region = {c: c, d: num(ui.district), t: num(ui.town)};
    state.mode = c >= 0 ? "region" : state.pos ? "near" : "";
    forget();
    reshow();
  }

  function onCity() {
    var c = num(ui.city);
    resetSelect(ui.district, "全部区县", c < 0);
    resetSelect(ui.town, "全部街道/镇", true);
    for (var i = 0; i < ix.districts.length; i++) {
      if (ix.districts[i][0] === c) option(ui.district, String(i), ix.districts[i][1] || "市本级");
    }
    pick();
  }

  function onDistrict() {
    var d = num(ui.district), any = false;
    resetSelect(ui.town, "全部街道/镇", true);
    for (var i = 0; i < ix.towns.length; i++) {
      if (ix.towns[i][0] === d && ix.towns[i][1]) { option(ui.town, String(i), ix.towns[i][1]); any = true; }
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

  /* ?s=… prefills the search (not ?q=: Material opens its own search dialog for that on other pages). */
  function queryParam() {
    var m = /[?&]s=([^&#]*)/.exec(window.location.search || "");
    if (!m) return "";
    try { return decodeURIComponent(m[1].replace(/\+/g, " ")); } catch (e) { return ""; }
  }

  function on(node, event, fn) { node.addEventListener(event, fn, false); }

  function decodeIndex() {
    var i, tok = function (list) { var out = []; for (var n = 0; n < list.length; n++) out[n] = pinyin(list[n]); return out; };
    for (i = 0; i < ix.towns.length; i++) townDistrict[i] = ix.towns[i][0];
    for (i = 0; i < ix.districts.length; i++) districtCity[i] = ix.districts[i][0];
    for (i = 0; i < ix.files.length; i++) chunks[i] = {asked: false, failed: false, data: null};
    regionPy = {c: tok(ix.cpy), d: tok(ix.dpy), t: tok(ix.tpy)};
    ix.pages = ix.pages || [];
    for (i = 0; i < ix.pages.length; i++) {  // [title, link, headings joined by |, title pinyin]
      var title = (ix.pages[i][0] + SEP + pinyin(ix.pages[i][3])).toLowerCase(), heads = ix.pages[i][2] ? ix.pages[i][2].split("|") : [];
      pageHay[i] = {title: title, heads: heads, all: title + SEP + heads.join(SEP).toLowerCase()};
    }
  }

  function init() {
    root = document.getElementById("yz-finder");
    ix = window.yizhanFinderIndex;
    boot = window.yizhanFinderBoot;
    if (!root || !ix || !boot || root.getAttribute("data-ready")) return;
    root.setAttribute("data-ready", "1");
    var ids = ["q", "status", "locate", "manual", "picker", "city", "district", "town", "place", "count", "results", "more",
      "box", "help", "order", "pages", "page-list"];
    for (var i = 0; i < ids.length; i++) ui[ids[i].replace("-", "")] = document.getElementById("yz-" + ids[i]);
    pageBase = root.getAttribute("data-base") || "";
    regionsHref = root.getAttribute("data-regions") || "regions/index.html";
    stationPath = root.getAttribute("data-station") || stationPath;
    ix.files = boot.data.files;
    decodeIndex();
    boot.onfail = schedule;
    var chips = root.querySelectorAll(".yz-f-chip");
    for (i = 0; i < chips.length; i++) {
      on(chips[i], "click", function () {
        state.level = +this.getAttribute("data-level");
        for (var k = 0; k < chips.length; k++) chips[k].setAttribute("aria-pressed", chips[k] === this ? "true" : "false");
        forget();
        reshow();
      });
    }
    on(ui.q, "input", function () { onQuery(ui.q); });
    on(ui.place, "input", function () { onQuery(ui.place); });
    on(ui.q, "focus", function () { requestAll(refPoint()); });
    on(ui.place, "focus", function () { requestAll(refPoint()); });
    on(ui.locate, "click", function () { locate(true); });
    on(ui.manual, "click", function () { showPicker(); ui.city.focus(); });
    var form = root.querySelector("form");
    if (form) on(form, "submit", function (e) { e.preventDefault(); });
    on(ui.more, "click", function () { state.limit += PAGE; show(); });
    on(ui.city, "change", onCity);
    on(ui.district, "change", onDistrict);
    on(ui.town, "change", pick);
    fillCities();
    progress();
    var q = queryParam();
    if (q) {
      ui.q.value = ui.place.value = q;
      state.query = q.replace(/^\s+|\s+$/g, "");
    }
    var queued = api.q || [];  // chunks that arrived before this script
    api.q = [];
    for (i = 0; i < queued.length; i++) api.load(queued[i][0], queued[i][1]);
    locate(false);
    if (state.query) setTimeout(show, state.pos ? 0 : 250);  // a moment for the position: then the nearest chunks come first
  }

  api.init = init;
  if (document.getElementById("yz-finder")) init();
  else document.addEventListener("DOMContentLoaded", init);
})(window, document);
