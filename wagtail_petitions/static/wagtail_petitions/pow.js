/* Proof of work for the signing form of a petition under attack (the ALTCHA protocol, version 1): before the form
 * is sent, fetch a challenge from our own API and find the number n for which SHA-256(salt + n) is the challenge.
 * Nothing is asked from any other site. Without JavaScript, or if this fails, the form is sent without a solution
 * and the signature is held until the signer confirms it by email. */
(function () {
  "use strict";
  function hex(buffer) {
    var b = new Uint8Array(buffer), h = "";
    for (var i = 0; i < b.length; i++) h += (b[i] + 256).toString(16).slice(1);
    return h;
  }
  function solve(c) {
    var enc = new TextEncoder();
    function attempt(n) {
      if (n > c.maxnumber) return Promise.reject(new Error("unsolved"));
      return crypto.subtle.digest("SHA-256", enc.encode(c.salt + n)).then(function (d) {
        return hex(d) === c.challenge ? n : attempt(n + 1);
      });
    }
    return attempt(0).then(function (n) {
      return btoa(JSON.stringify({ algorithm: c.algorithm, challenge: c.challenge, number: n, salt: c.salt, signature: c.signature }));
    });
  }
  Array.prototype.forEach.call(document.querySelectorAll("input[data-challenge-url]"), function (field) {
    var form = field.form, tried = false;
    if (!form || !window.fetch || !window.crypto || !crypto.subtle) return;
    form.addEventListener("submit", function (event) {
      if (tried) return;
      tried = true;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.setAttribute("aria-disabled", "true");
      fetch(field.getAttribute("data-challenge-url"), { credentials: "omit", cache: "no-store" })
        .then(function (r) { return r.json(); })
        .then(solve)
        .then(function (value) { field.value = value; }, function () {})
        .then(function () { form.submit(); });
    });
  });
})();
