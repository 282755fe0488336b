/* The widget page inside the partner's iframe. Same origin as the API, so signing needs no CORS and no cookie. */
(function () {
  "use strict";
  var config = JSON.parse(document.getElementById("widget-config").textContent);
  var root = document.getElementById("widget");
  var form = document.getElementById("sign-form");
  var statusRegion = document.getElementById("status");
  var countEl = document.getElementById("count");
  var goalEl = document.getElementById("goal");
  var bar = document.getElementById("bar");
  var numberFormat = new Intl.NumberFormat(config.lang);
  var idempotencyKey = null;

  function post(message) {
    if (!config.parent) return;
    message.wid = config.wid;
    message.petition = config.petition;
    message.partner = config.partner;
    window.parent.postMessage(message, config.parent);
  }
  function resize() { post({ type: "petition:resize", height: root.getBoundingClientRect().height + 2 }); }
  function showCount(count, goal) {
    countEl.textContent = numberFormat.format(count);
    goalEl.textContent = numberFormat.format(goal);
    bar.style.width = Math.min(100, goal ? (100 * count) / goal : 0) + "%";
    root.setAttribute("data-count", String(count));
  }
  function say(text) { statusRegion.textContent = text; }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + ([3, 5, 7, 9].indexOf(i) >= 0 ? "-" : "");
    return h;
  }
  function clearErrors() {
    var old = form.querySelectorAll("[data-error-for]");
    for (var i = 0; i < old.length; i++) {
      var input = form.elements[old[i].getAttribute("data-error-for")];
      if (input) { input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); }
      old[i].textContent = "";
    }
  }
  function showErrors(errors) {
    var first = null, general = [];
    Object.keys(errors).forEach(function (name) {
      var messages = errors[name].map(function (e) { return e.message; }).join(" ");
      var input = form.elements[name], slot = form.querySelector('[data-error-for="' + name + '"]');
      if (input && slot && input.type !== "hidden") {
        slot.textContent = messages;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", slot.id);
        first = first || input;
      } else general.push(messages);
    });
    say(general.join(" ") || config.strings.fix);
    if (first) first.focus();
  }
  function payload() {
    var data = {}, els = form.elements;
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      if (!el.name) continue;
      data[el.name] = el.type === "checkbox" ? el.checked : el.value;
    }
    if (config.partner) data.partner = config.partner;
    return data;
  }
  function done(body) {
    showCount(body.signature_count, body.goal);
    form.hidden = true;
    var thanks = document.getElementById("thanks");
    thanks.hidden = false;
    say("");
    var heading = thanks.querySelector("h2");
    heading.focus();
    post({ type: "petition:signed" });
    resize();
  }

  if (form) form.addEventListener("submit", function (event) {
    event.preventDefault();
    clearErrors();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    say(config.strings.sending);
    idempotencyKey = idempotencyKey || uuid();
    var controller = window.AbortController ? new AbortController() : null;
    var timer = controller && setTimeout(function () { controller.abort(); }, 15000);
    fetch(config.signUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": idempotencyKey },
      body: JSON.stringify(payload()),
      credentials: "omit",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (response.status === 201 || response.status === 200) { idempotencyKey = null; return done(body); }
        if (response.status === 400) { idempotencyKey = null; return showErrors(body.errors || {}); }
        if (response.status === 409 && body.errors && body.errors.non_field_errors &&
            body.errors.non_field_errors[0].code === "petition_not_open") { return say(config.strings.closed); }
        if (response.status === 429) return say(config.strings.busy);
        say(config.strings.failed);
      });
    }, function () {
      // Network failure or timeout: keep what was typed and the key, so a retry is counted once.
      say(config.strings.failed);
    }).then(function () {
      if (timer) clearTimeout(timer);
      button.disabled = false;
      resize();
    });
  });

  function refreshCount() {
    if (document.visibilityState !== "visible") return;
    fetch(config.countUrl, { credentials: "omit" }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) {
        if (body && body.signature_count >= Number(root.getAttribute("data-count") || 0)) showCount(body.signature_count, body.goal);
      }, function () {});
  }
  setInterval(refreshCount, config.refreshSeconds * 1000);
  document.addEventListener("visibilitychange", refreshCount);

  showCount(config.count, config.goal);
  if (window.ResizeObserver) new ResizeObserver(resize).observe(root);
  resize();
  post({ type: "petition:ready" });
})();
