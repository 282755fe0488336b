/* Petition widget loader: one tag per widget; inserts an isolated iframe and keeps it sized to its content.
   Reads nothing from the host page but its own data- attributes; styles only through element.style. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.src) return;
  var ORIGIN = new URL(script.src).origin;
  var registry = (window.__petitionWidgets = window.__petitionWidgets || { n: 0, frames: [] });

  function mount(host, data, insertAfter) {
    if (!data.petition || host.getAttribute("data-petition-mounted")) return;
    host.setAttribute("data-petition-mounted", "1");
    var id = "pw" + ++registry.n;
    var q = new URLSearchParams({ parent: location.origin, wid: id });
    if (data.partner) q.set("partner", data.partner);
    var lang = data.lang || (host.closest && host.closest("[lang]") || document.documentElement).getAttribute("lang");
    if (lang) q.set("lang", lang);
    var frame = document.createElement("iframe");
    frame.src = ORIGIN + "/embed/v1/petitions/" + encodeURIComponent(data.petition) + "/?" + q.toString();
    frame.title = data.title || "Petition";
    frame.loading = "lazy";
    frame.setAttribute("allow", "clipboard-write; web-share");
    var s = frame.style;
    s.display = "block"; s.width = "100%"; s.maxWidth = "40rem"; s.border = "0"; s.height = "32rem";
    s.colorScheme = "normal"; s.overflow = "hidden";
    registry.frames.push({ id: id, frame: frame, host: host });
    if (insertAfter) host.parentNode.insertBefore(frame, host.nextSibling); else host.appendChild(frame);
  }

  if (!registry.listening) {
    registry.listening = true;
    window.addEventListener("message", function (event) {
      var msg = event.data;
      if (!msg || typeof msg !== "object" || typeof msg.type !== "string" || msg.type.indexOf("petition:") !== 0) return;
      for (var i = 0; i < registry.frames.length; i++) {
        var entry = registry.frames[i];
        if (event.source !== entry.frame.contentWindow || event.origin !== entry.origin) continue;
        if (msg.type === "petition:resize" && typeof msg.height === "number" && msg.height > 0 && msg.height < 10000) {
          entry.frame.style.height = Math.ceil(msg.height) + "px";
        } else if (msg.type === "petition:ready" || msg.type === "petition:signed") {
          entry.host.dispatchEvent(new CustomEvent(msg.type, {
            bubbles: true,
            detail: { petition: String(msg.petition || ""), partner: String(msg.partner || "") }
          }));
        }
      }
    });
  }

  var origin = ORIGIN;
  mount(script, script.dataset, true);
  var holders = document.querySelectorAll("div[data-petition-widget]");
  for (var i = 0; i < holders.length; i++) mount(holders[i], holders[i].dataset, false);
  for (var j = 0; j < registry.frames.length; j++) registry.frames[j].origin = registry.frames[j].origin || origin;
})();
