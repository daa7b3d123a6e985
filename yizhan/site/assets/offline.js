/* Register the site's service worker (sw.js at the site root) so the finder works without signal. */
(function (window, document) {
  "use strict";
  var me = document.currentScript;
  if (!me || !("serviceWorker" in navigator) || !/^https?:$/.test(window.location.protocol)) return;
  var url = new URL("../../sw.js", me.src);  // this file is assets/yizhan/offline.js
  window.addEventListener("load", function () {
    navigator.serviceWorker.register(url.href).catch(function () { /* offline use is a bonus, never an error */ });
  });
})(window, document);
