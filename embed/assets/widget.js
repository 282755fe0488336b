/* The widget page inside the partner's iframe. It signs with fetch + JSON (also inside WordPress's sandboxed
   iframe, where forms cannot submit), sends no cookie, and tells its parent only its height and that it is ready
   or signed: never what the signer typed. */
(function () {
  "use strict";
  function $(id) { return document.getElementById(id); }
  var config = JSON.parse($("widget-config").textContent);
  var S = config.strings;
  var root = $("widget"), form = $("sign-form"), button = $("submit"), thanks = $("thanks"), statusEl = $("status");
  var numberFormat = new Intl.NumberFormat(config.lang);
  var count = config.count;
  var pending = null; // {key, body}: the submission not answered yet; a retry of the same body reuses its key
  var busy = false;
  // WordPress's oEmbed iframes carry "#?secret=..." and resize on {secret, message: "height", value}.
  var wpSecret = (/^#\?secret=([A-Za-z0-9]{1,64})$/.exec(location.hash) || [])[1];
  var ancestors = location.ancestorOrigins;
  var wpTarget = ancestors && ancestors.length && ancestors[0] !== "null" ? ancestors[0] : "*";

  function fmt(n) { return numberFormat.format(n); }
  // The goal comes from the server (PetitionPage.get_displayed_goal), which moves it up once reached.
  function showCount(c, goal) {
    count = c;
    $("count").textContent = fmt(c);
    $("goal").textContent = fmt(goal);
    $("bar").style.width = (goal > 0 ? Math.min(100, (100 * c) / goal) : 100) + "%";
    root.setAttribute("data-count", String(c));
  }
  function height() { return Math.ceil(root.getBoundingClientRect().height); }
  function post(type) {
    if (config.parent && window.parent !== window) {
      window.parent.postMessage({ type: type, height: height(), title: document.title }, config.parent);
    }
  }
  var lastHeight = 0;
  function resize() {
    var h = height();
    if (h === lastHeight) return;
    lastHeight = h;
    post("petition:resize");
    if (wpSecret) window.parent.postMessage({ secret: wpSecret, message: "height", value: h }, wpTarget);
  }
  if (wpSecret) {
    // wp-embed.js says "ready" once it listens (it may load after us): send the height again.
    window.addEventListener("message", function (e) {
      var d = e.data;
      if (e.source === window.parent && d && d.message === "ready" && d.secret === wpSecret) { lastHeight = 0; resize(); }
    });
    // The sandbox blocks pop-ups and navigation; WordPress opens an address of our host in the top window on request.
    document.addEventListener("click", function (e) {
      var a = e.target.closest && e.target.closest("a[data-top]");
      if (!a) return;
      e.preventDefault();
      window.parent.postMessage({ secret: wpSecret, message: "link", value: a.getAttribute("data-top") }, wpTarget);
    });
  }
  function say(text) { statusEl.textContent = text; }
  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16)), h = "";
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    for (var i = 0; i < 16; i++) h += (b[i] + 256).toString(16).slice(1) + (i === 3 || i === 5 || i === 7 || i === 9 ? "-" : "");
    return h;
  }
  function clearErrors() {
    var slots = form.querySelectorAll("[data-error-for]");
    for (var i = 0; i < slots.length; i++) {
      var input = form.elements[slots[i].getAttribute("data-error-for")];
      if (input) { input.removeAttribute("aria-invalid"); input.removeAttribute("aria-describedby"); }
      slots[i].textContent = "";
    }
  }
  function showErrors(errors) {
    var first = null, general = [];
    Object.keys(errors).forEach(function (name) {
      var text = errors[name].map(function (e) { return e.message; }).join(" ");
      var input = form.elements[name], slot = $(name + "-error");
      if (input && slot) {
        slot.textContent = text;
        input.setAttribute("aria-invalid", "true");
        input.setAttribute("aria-describedby", slot.id);
        first = first || input;
      } else general.push(text);
    });
    say(general.join(" ") || S.fix);
    if (first) first.focus();
  }
  // The host page's origin, for partner attribution: as the browser tells it, else as the loader did (parent=).
  function hostOrigin() {
    var o = ancestors && ancestors.length ? ancestors[0] : "";
    if (!o || o === "null") { try { o = new URL(document.referrer).origin; } catch (e) { o = ""; } }
    return o && o !== "null" ? o : config.parent || "";
  }
  function payload() {
    var data = {}, els = form.elements;
    for (var i = 0; i < els.length; i++) {
      if (els[i].name) data[els[i].name] = els[i].type === "checkbox" ? els[i].checked : els[i].value;
    }
    if (config.partner) { data.partner = config.partner; data.origin = hostOrigin(); if (config.via) data.via = config.via; }
    return JSON.stringify(data);
  }
  // 202: the signature counts once confirmed by email ("check your inbox").
  function done(body, check) {
    showCount(body.signature_count, body.goal);
    $("new-count").textContent = fmt(body.signature_count);
    form.hidden = true;
    thanks.hidden = false;
    $("check-inbox").hidden = !check;
    say(check ? S.check : S.signed);
    thanks.querySelector("h2").focus();
    post("petition:signed");
  }
  function answer(status, body) {
    var errors = body.errors || {}, code = ((errors.non_field_errors || [])[0] || {}).code;
    if (status === 200 || status === 201 || status === 202) { pending = null; return done(body, status === 202); }
    if (status === 400) { pending = null; if (pow) pow.value = solved = ""; return showErrors(errors); }
    if (status === 409 && code === "petition_not_open") return say(S.closed);
    if (status === 409) return say(S.inflight); // the first try with this key is still being processed
    if (status === 429) return say(S.busy);
    if (status >= 500) return say(S.server);
    pending = null;
    say(S.failed);
  }
  // Proof of work (ALTCHA, petitions under attack): find n with SHA-256(salt + n) = challenge, from our own API.
  var pow = form && form.querySelector("[data-challenge-url]"), solved = "";
  function hex(buffer) {
    var b = new Uint8Array(buffer), h = "";
    for (var i = 0; i < b.length; i++) h += (b[i] + 256).toString(16).slice(1);
    return h;
  }
  function solve(c) {
    var enc = new TextEncoder();
    function attempt(n) {
      if (n > c.maxnumber) return Promise.reject();
      return crypto.subtle.digest("SHA-256", enc.encode(c.salt + n)).then(function (d) {
        return hex(d) === c.challenge ? n : attempt(n + 1);
      });
    }
    return attempt(0).then(function (n) {
      return btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature }));
    });
  }
  function submit(event) {
    event.preventDefault();
    if (busy) return;
    if (pow && !solved) {
      busy = true;
      solved = "tried"; // once: without a solution the signature still goes, held for email confirmation
      say(S.solving);
      fetch(pow.getAttribute("data-challenge-url"), { credentials: "omit", cache: "no-store" })
        .then(function (r) { return r.json(); }).then(solve)
        .then(function (v) { pow.value = v; }, function () {})
        .then(function () { busy = false; submit(event); });
      return;
    }
    var body = payload();
    if (!pending || pending.body !== body) pending = { key: uuid(), body: body };
    busy = true;
    button.setAttribute("aria-disabled", "true");
    clearErrors();
    say(S.sending);
    var controller = new AbortController();
    var timer = setTimeout(function () { controller.abort(); }, 15000);
    fetch(config.signUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "Idempotency-Key": pending.key },
      body: body,
      credentials: "omit",
      cache: "no-store",
      signal: controller.signal
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) { answer(response.status, data); });
    }, function () {
      say(S.failed); // network failure or timeout: what was typed and the key stay for the retry
    }).then(function () {
      clearTimeout(timer);
      busy = false;
      button.removeAttribute("aria-disabled");
    });
  }
  if (form) {
    // A click on the submit button also covers Enter in a field (implicit submission); in a sandbox without
    // allow-forms the submit event never fires, the click does.
    button.addEventListener("click", submit);
    form.addEventListener("submit", submit);
  }
  var share = $("native-share");
  if (share && navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () { navigator.share(config.share).catch(function () {}); });
  } else if ($("copy-link")) {
    // No Web Share API (e.g. WordPress's sandbox): copy the tracked link, else leave it selected to copy by hand.
    var link = $("share-url");
    $("copy-link").hidden = false;
    $("copy").addEventListener("click", function () {
      function selected() {
        link.focus(); link.select();
        var ok = false;
        try { ok = document.execCommand("copy"); } catch (e) {}
        say(ok ? S.copied : S.select);
      }
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link.value).then(function () { say(S.copied); }, selected);
      } else selected();
    });
  }

  // Live count: a small cacheable request, only while the page is visible and the widget is on screen.
  var inView = true, refreshTimer = null;
  function refresh() {
    fetch(config.countUrl, { credentials: "omit" }).then(function (r) { return r.ok ? r.json() : null; }).then(function (b) {
      if (b && b.signature_count >= count) showCount(b.signature_count, b.goal);
    }, function () {});
  }
  function schedule() {
    clearInterval(refreshTimer);
    refreshTimer = null;
    if (document.visibilityState === "visible" && inView) refreshTimer = setInterval(refresh, config.refreshSeconds * 1000);
  }
  document.addEventListener("visibilitychange", schedule);
  if (window.IntersectionObserver) {
    new IntersectionObserver(function (entries) { inView = entries[entries.length - 1].isIntersecting; schedule(); }).observe(root);
  }
  schedule();

  showCount(count, config.goal);
  if (window.ResizeObserver) new ResizeObserver(resize).observe(root);
  resize();
  post("petition:ready");
})();
