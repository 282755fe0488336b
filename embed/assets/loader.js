/* Petition widget loader. Each <script data-petition> or <div data-petition-widget data-petition> gets an isolated
   iframe. Reads only its own data- attributes, validates them, styles only through element.style (strict host CSPs
   keep working), trusts messages only from its own frames and origin, and sends no personal data to the host. */
(function () {
  "use strict";
  var me = document.currentScript;
  if (!me || !me.src) return;
  var ORIGIN = new URL(me.src).origin;
  // The widget pages sit next to the loader (…/embed.js → …/petitions/<slug>/), wherever the site mounts them.
  var WIDGETS = new URL("petitions/", me.src).href;
  var reg = window.__petitionWidgets = window.__petitionWidgets || { n: 0, frames: [] };
  var ACCENT = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i, WORD = /^[\w-]{1,64}$/, LANG = /^[a-z]{2,3}([-_][a-z0-9]{1,8})*$/i;
  // A petition slug is what Wagtail accepts: Unicode letters and digits too (protégeons-…, أوقفوا-…).
  var SLUG = WORD;
  try { SLUG = new RegExp("^[\\p{L}\\p{N}\\p{M}_-]{1,255}$", "u"); } catch (e) { /* old browser: ASCII slugs */ }

  function css(el, props) { for (var k in props) el.style.setProperty(k, props[k], "important"); }

  function mount(host, d, after) {
    if (!d.petition || !SLUG.test(d.petition) || host.getAttribute("data-petition-mounted")) return;
    host.setAttribute("data-petition-mounted", "");
    var q = new URLSearchParams();
    if (location.origin !== "null") q.set("parent", location.origin);
    if (WORD.test(d.partner || "")) q.set("partner", d.partner);
    var lang = d.lang || (host.closest("[lang]") || {}).lang || "";
    if (LANG.test(lang)) q.set("lang", lang);
    if (ACCENT.test(d.accent || "")) q.set("accent", d.accent.replace("#", ""));
    if (/^(light|dark|auto)$/.test(d.theme || "")) q.set("theme", d.theme);
    var compact = d.layout === "compact";
    if (compact) q.set("layout", "compact");
    var frame = document.createElement("iframe");
    frame.src = WIDGETS + encodeURIComponent(d.petition) + "/?" + q;
    frame.title = d.title || "Petition";
    frame.loading = "lazy";
    frame.referrerPolicy = "no-referrer";
    frame.allow = "web-share";
    // Reserve about the rendered height so the page does not jump, then follow the widget's own size.
    var h = /^\d{3,4}$/.test(d.height || "") ? d.height + "px" : compact ? "36rem" : "46rem";
    css(frame, { display: "block", width: "100%", "max-width": "40rem", height: h,
      "min-height": "0", "max-height": "none", border: "0", margin: "0", padding: "0", "color-scheme": "normal",
      visibility: "visible", opacity: "1", transform: "none", filter: "none", "clip-path": "none", position: "static" });
    reg.frames.push({ frame: frame, host: host, origin: ORIGIN, petition: d.petition, partner: q.get("partner") || "" });
    if (after) host.parentNode.insertBefore(frame, host.nextSibling); else host.appendChild(frame);
  }

  if (!reg.listening) {
    reg.listening = true;
    window.addEventListener("message", function (event) {
      var msg = event.data;
      if (!msg || typeof msg.type !== "string") return;
      for (var i = 0; i < reg.frames.length; i++) {
        var w = reg.frames[i];
        if (event.source !== w.frame.contentWindow || event.origin !== w.origin) continue;
        if (typeof msg.height === "number" && msg.height > 0 && msg.height < 20000) {
          w.frame.style.setProperty("height", Math.ceil(msg.height) + "px", "important");
        }
        if (typeof msg.title === "string" && !w.host.getAttribute("data-title")) w.frame.title = msg.title.slice(0, 200);
        if (msg.type === "petition:ready" || msg.type === "petition:signed") {
          // Only what the host already wrote in its own tag: never anything the signer typed.
          w.host.dispatchEvent(new CustomEvent(msg.type, { bubbles: true, detail: { petition: w.petition, partner: w.partner } }));
        }
      }
    });
  }

  function scan() {
    var holders = document.querySelectorAll("[data-petition-widget]");
    for (var i = 0; i < holders.length; i++) mount(holders[i], holders[i].dataset, false);
  }
  mount(me, me.dataset, true);
  reg.scan = scan;
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", scan); else scan();
})();
