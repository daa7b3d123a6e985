/* yizhan finder, first part (inlined at the top of the finder page, before the page's bulk): asks for the
 * position at once and, as soon as it comes, for the chunk files of the nearest stations, so the network works
 * while the rest of the page is still being parsed. finder.js (at the end of the page) takes over from here.
 * yizhanBoot(d): d.files (chunk file names), d.box (each chunk's [min lat, min lon, max lat, max lon] in 1e-5
 * degree), d.lvm (each chunk's levels as a bit mask), d.dir (where the files are). Once the page's region index
 * is parsed, yizhanFinderBoot.place(index) asks first for the chunks of a place named in ?s=. Plain ES5. */
window.yizhanBoot = function (d) {
  "use strict";
  var F = window.yizhanFinder = window.yizhanFinder || {}, q = F.q = F.q || [];
  if (!F.load) F.load = function (kind, payload) { q.push([kind, payload]); };  // finder.js replays these
  var B = window.yizhanFinderBoot = {data: d, asked: {}, failed: {}, pos: null, geoError: null, asking: false, waiters: []};
  var query = /[?&]s=[^&#]/.test(window.location.search || "");
  var words = query ? placeTerms() : [], waitPlace = words.length > 0;  // ?s= with Chinese words: B.place() orders the first requests

  /* Load chunk k once (a <script> tag: works from file:// too). */
  B.request = function (k) {
    if (B.asked[k] && !B.failed[k]) return;
    B.asked[k] = true;
    B.failed[k] = false;
    var s = document.createElement("script");
    s.src = d.dir + d.files[k];
    s.async = true;
    s.onerror = function () { B.failed[k] = true; if (B.onfail) B.onfail(k); };
    document.head.appendChild(s);
  };

  /* [lower bound of the squared flat-earth distance from ref to the chunk's box, k], nearest first; index order without ref. */
  B.order = function (ref, level) {
    var out = [], box = d.box, cos = ref ? Math.cos(ref.lat * Math.PI / 180) : 0;
    for (var k = 0; k < d.files.length; k++) {
      if (level >= 0 && !(d.lvm[k] & (1 << level))) continue;
      if (!ref) { out.push([k, k]); continue; }
      var la = Math.min(Math.max(ref.lat, box[4 * k] / 1e5), box[4 * k + 2] / 1e5);
      var lo = Math.min(Math.max(ref.lon, box[4 * k + 1] / 1e5), box[4 * k + 3] / 1e5);
      var dx = (lo - ref.lon) * cos, dy = la - ref.lat;
      out.push([dx * dx + dy * dy, k]);
    }
    out.sort(function (x, y) { return x[0] - y[0] || x[1] - y[1]; });
    return out;
  };

  /* Every chunk, nearest to ref first (what a search needs); not one that failed: the finder's retry asks again. */
  B.requestAll = function (ref) {
    var order = B.order(ref, -1);
    for (var i = 0; i < order.length; i++) if (!B.failed[order[i][1]]) B.request(order[i][1]);
  };

  /* ?s= naming a place (崇安寺, 梁溪区): ask for the chunks of the towns whose town, district or city name has one of
   * its Chinese words (at most 8, index order) before the position is known. ix: the region index (towns [district,
   * name] with tk, each town's chunks; districts [city, name]; cities). */
  B.place = function (ix) {
    var want = [], seen = {}, t, w, k;
    for (t = 0; t < ix.towns.length && words.length && want.length < 8; t++) {
      var dist = ix.districts[ix.towns[t][0]], names = ix.towns[t][1] + " " + dist[1] + " " + ix.cities[dist[0]];
      for (w = 0; w < words.length; w++) if (names.indexOf(words[w]) >= 0) break;
      if (w === words.length) continue;
      for (k = 0; k < ix.tk[t].length; k++) if (!seen[ix.tk[t][k]]) { seen[ix.tk[t][k]] = true; want.push(ix.tk[t][k]); }
    }
    for (k = 0; k < want.length && k < 8; k++) B.request(want[k]);
    if (!waitPlace) return;
    waitPlace = false;  // then every chunk: nearest first once the position is known, else after a moment
    if (B.pos) B.requestAll(here());
    else setTimeout(function () { B.requestAll(B.pos ? here() : null); }, 250);
  };

  function here() { return {lat: B.pos.coords.latitude, lon: B.pos.coords.longitude}; }

  /* Call ok(position) or fail(error) once the first position question is answered. */
  B.then = function (ok, fail) {
    if (B.pos) ok(B.pos); else if (B.geoError) fail(B.geoError); else B.waiters.push([ok, fail]);
  };

  function settle(pos, error) {
    B.pos = pos;
    B.geoError = error;
    var list = B.waiters;
    B.waiters = [];
    for (var i = 0; i < list.length; i++) if (pos) list[i][0](pos); else list[i][1](error);
  }

  var geo = navigator.geolocation;
  if (geo && window.isSecureContext !== false) {
    B.asking = true;
    try {
      geo.getCurrentPosition(function (p) {
        var ref = {lat: p.coords.latitude, lon: p.coords.longitude};
        if (query) { if (!waitPlace) B.requestAll(ref); }
        else { var near = B.order(ref, -1); for (var i = 0; i < near.length && i < 2; i++) B.request(near[i][1]); }
        settle(p, null);
      }, function (e) { settle(null, e || {code: 2}); }, {enableHighAccuracy: false, timeout: 5000, maximumAge: 600000});
    } catch (e) {
      settle(null, {code: 2});
    }
  }
  if (query && !waitPlace) setTimeout(function () { B.requestAll(B.pos ? here() : null); }, 250);

  /* The Chinese words of ?s= (a place name is what people type most): 崇安寺 in ?s=崇安寺 or ?s=无锡+崇安寺. */
  function placeTerms() {
    var m = /[?&]s=([^&#]*)/.exec(window.location.search || ""), out = [], words;
    try { words = m ? decodeURIComponent(m[1].replace(/\+/g, " ")).split(/\s+/) : []; } catch (e) { words = []; }
    for (var i = 0; i < words.length; i++) if (/[\u3400-\u9fff]/.test(words[i])) out.push(words[i]);
    return out;
  }
};
