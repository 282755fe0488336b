/* Fills in the live signature count on petition pages, which are served from a cache for a few seconds.
 * The count comes from the public count endpoint (cacheable by CDNs): no cookie, no third party. Without
 * JavaScript the page shows the count it was rendered with. */
(function () {
  "use strict";
  var script = document.currentScript;
  var urlTemplate = script && script.getAttribute("data-count-url");
  if (!urlTemplate || !window.fetch) return;
  var REFRESH_MS = 30000;
  var format = new Intl.NumberFormat(document.documentElement.lang || undefined);

  function refresh(element) {
    var url = urlTemplate.replace("__slug__", encodeURIComponent(element.getAttribute("data-slug")));
    fetch(url, { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (body) {
        if (!body || typeof body.signature_count !== "number") return;
        var number = element.querySelector("[data-count]");
        if (number) number.textContent = format.format(body.signature_count);
        var bar = element.querySelector(".petition-progress > span");
        if (bar && body.goal) bar.style.width = Math.min(100, (100 * body.signature_count) / body.goal) + "%";
        element.setAttribute("data-live-count", String(body.signature_count));
      })
      .catch(function () { /* keep the rendered count */ });
  }

  function refreshAll() {
    if (document.visibilityState === "hidden") return;
    Array.prototype.forEach.call(document.querySelectorAll("[data-petition-count][data-slug]"), refresh);
  }

  refreshAll();
  setInterval(refreshAll, REFRESH_MS);
})();
