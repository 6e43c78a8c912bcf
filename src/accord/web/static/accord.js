/* accord rooms: plain JavaScript, no framework, no build step; every request goes to this server.
 *
 * - Joining: the invitation token rides in the URL fragment (#token=...), which no server ever sees.
 *   It is removed from the address bar and from the history entry at once, then posted in a request
 *   body; the server answers with an HttpOnly session cookie.
 * - Live updates: an EventSource on the seat's own stream; on each event the page fetches its regions
 *   and replaces those whose content changed (a form being filled in is left alone otherwise).
 * - Forms post with fetch (X-Requested-With: fetch, the session's CSRF token) and report in place.
 */
(function () {
  "use strict";
  var body = document.body;
  var source = null;

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }

  function say(text) {
    var el = $("#live");
    if (el) { el.textContent = ""; window.setTimeout(function () { el.textContent = text; }, 30); }
  }

  function post(url, data) {
    return fetch(url, {
      method: "POST", credentials: "same-origin", body: data,
      headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Requested-With": "fetch",
                 "X-CSRF-Token": body.dataset.csrf || "" }
    }).then(function (r) {
      return r.json().then(function (j) { return { ok: r.ok && j.ok !== false, status: r.status, j: j }; },
                           function () { return { ok: false, status: r.status, j: { detail: "Unexpected answer (" + r.status + ")." } }; });
    });
  }

  // -- joining from the invitation link --------------------------------------------------------
  function join() {
    var hash = window.location.hash || "";
    var m = /(?:^#|&)token=([^&]+)/.exec(hash);
    if (hash) { window.history.replaceState(null, "", window.location.pathname + window.location.search); }
    var joining = $("[data-joining]");
    function show(sel) {
      $all("[data-joining], [data-problem], [data-wrong]").forEach(function (el) { el.hidden = true; });
      var el = $(sel);
      if (el) { el.hidden = false; }
    }
    if (!m) { if (!hash) { show("[data-problem]"); } return; }
    show("[data-joining]");
    var data = new URLSearchParams();
    data.set("token", decodeURIComponent(m[1]));
    post(body.dataset.join, data).then(function (res) {
      if (res.ok) { window.location.replace(res.j.room); return; }
      $("[data-wrong-title]").textContent = res.j.title || "This invitation link is not valid";
      $("[data-wrong-text]").textContent = res.j.message || res.j.detail || "";
      show("[data-wrong]");
    }, function () {
      $("[data-wrong-title]").textContent = "The server could not be reached";
      $("[data-wrong-text]").textContent = "Check the connection, then open your invitation link again.";
      show("[data-wrong]");
    });
  }

  // -- regions and live updates ---------------------------------------------------------------
  var refreshing = null, again = false;

  function apply(j) {
    Object.keys(j.regions).forEach(function (name) {
      var el = $('[data-region="' + name + '"]');
      var r = j.regions[name];
      if (!el || el.dataset.key === r.key) { return; }
      var active = document.activeElement;
      var focusId = active && el.contains(active) ? active.id : null;
      el.innerHTML = r.html;
      el.dataset.key = r.key;
      wire(el);
      if (focusId) { var f = document.getElementById(focusId); if (f) { f.focus(); } }
    });
    body.dataset.finished = j.finished ? "true" : "false";
    if (j.finished && source) { source.close(); source = null; }
  }

  function refresh() {
    if (!body.dataset.regions) { return Promise.resolve(); }
    if (refreshing) { again = true; return refreshing; }
    refreshing = fetch(body.dataset.regions, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (r) {
        if (r.status === 401) { window.location.reload(); return null; }
        return r.json();
      })
      .then(function (j) { if (j && j.ok) { apply(j); } }, function () { /* offline: the next event retries */ })
      .then(function () {
        refreshing = null;
        if (again) { again = false; refresh(); }
      });
    return refreshing;
  }

  var WORDS = {
    draft: "A new text is on the table.", offer: "A new offer is on the table.", propose: "A new text is proposed.",
    critique: "A delegation asks for changes.", accept: "A text was accepted.", reject: "A text was rejected.",
    pause: "A calendar pause.", paused: "The secretariat paused the talks.", resumed: "The talks resume.",
    closed: "The secretariat closed the talks.", end: "The talks have ended.", progress: "Progress updated."
  };

  function listen() {
    if (!body.dataset.events || body.dataset.finished === "true" || !window.EventSource) { return; }
    source = new EventSource(body.dataset.events);
    source.onopen = function () { refresh(); };  // catch up on anything between the page and the stream
    source.onmessage = function (e) {
      var kind = "";
      try { kind = JSON.parse(e.data).kind || ""; } catch (err) { kind = ""; }
      if (body.dataset.kind === "organiser") { kind = "progress"; }
      if (WORDS[kind] && kind !== "progress") { say(WORDS[kind]); }
      refresh();
    };
  }

  // -- forms ----------------------------------------------------------------------------------
  function submitted(ev) {
    ev.preventDefault();
    var f = ev.currentTarget;
    if (f.dataset.confirm && !window.confirm(f.dataset.confirm)) { return; }
    var status = $("[data-status]", f), alert = $("[data-alert]", f);
    var buttons = $all("button[type=submit]", f);
    buttons.forEach(function (b) { b.disabled = true; });
    if (alert) { alert.hidden = true; }
    post(f.getAttribute("action"), new URLSearchParams(new FormData(f))).then(function (res) {
      if (res.ok) {
        if (status) { status.textContent = res.j.message || "Done."; }
        say(res.j.message || "Done.");
        refresh();
        buttons.forEach(function (b) { b.disabled = false; });
        return;
      }
      if (res.status === 401) { window.location.reload(); return; }
      buttons.forEach(function (b) { b.disabled = false; });
      if (alert) { alert.textContent = res.j.detail || "That did not work."; alert.hidden = false; }
      say(res.j.detail || "That did not work.");
    }, function () {
      buttons.forEach(function (b) { b.disabled = false; });
      if (alert) { alert.textContent = "The server could not be reached: try again."; alert.hidden = false; }
    });
  }

  function weigh(f, url) {  // what-if and draft check: ask the server, show its answer in place
    var out = $("[data-output]", f);
    var n = (+(f.dataset.seq || 0)) + 1;
    f.dataset.seq = String(n);
    return post(url, new URLSearchParams(new FormData(f))).then(function (res) {
      if (String(n) !== f.dataset.seq || !out) { return; }
      if (res.ok) { out.innerHTML = res.j.html; } else { out.textContent = res.j.detail || "That did not work."; }
    });
  }

  function startFrom(btn) {
    var form = $("form[data-draft]", btn.closest("[data-region]") || document);
    var text = JSON.parse(btn.dataset.start);
    if (!form) { return; }
    Object.keys(text).forEach(function (k) {
      var sel = form.querySelector('[name="o_' + k + '"]');
      if (!sel) { return; }
      var v = text[k];
      var want = typeof v === "number" ? v : String(v);
      Array.prototype.forEach.call(sel.options, function (o) {
        if (typeof want === "number" ? Math.abs(parseFloat(o.value) - want) < 1e-9 : o.value === want) { sel.value = o.value; }
      });
    });
    weigh(form, form.dataset.check);
    say("The draft editor starts from " + btn.textContent.replace(/^Start from /, "") + ".");
  }

  function copy(btn) {
    var input = document.getElementById(btn.dataset.copy);
    var status = $("[data-copy-status]");
    function done(ok) { if (status) { status.textContent = ok ? "Copied to the clipboard." : "Selected: press Ctrl+C to copy."; } }
    input.focus();
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(function () { done(true); }, function () { done(document.execCommand("copy")); });
    } else {
      done(document.execCommand("copy"));
    }
  }

  function upload(input) {
    var hidden = $("[data-upload]"), status = $("[data-upload-status]");
    var files = Array.prototype.slice.call(input.files || []);
    if (!files.length) { hidden.value = ""; status.textContent = ""; return; }
    Promise.all(files.map(function (f) { return f.text().then(function (t) { return [f.name, t]; }); })).then(function (pairs) {
      var o = {};
      pairs.forEach(function (p) { o[p[0]] = p[1]; });
      hidden.value = JSON.stringify(o);
      status.textContent = files.length + " file" + (files.length === 1 ? "" : "s") + " ready: " +
        files.map(function (f) { return f.name; }).join(", ") + ".";
    });
  }

  function wire(root) {
    $all("form[data-async]", root).forEach(function (f) { f.addEventListener("submit", submitted); });
    $all("form[data-whatif]", root).forEach(function (f) {
      f.addEventListener("change", function () { weigh(f, f.getAttribute("action")); });
      f.addEventListener("submit", function (ev) { ev.preventDefault(); weigh(f, f.getAttribute("action")); });
    });
    $all("form[data-draft]", root).forEach(function (f) {
      f.addEventListener("change", function () { weigh(f, f.dataset.check); });
    });
    $all("[data-start]", root).forEach(function (b) { b.addEventListener("click", function () { startFrom(b); }); });
    $all("[data-copy]", root).forEach(function (b) { b.addEventListener("click", function () { copy(b); }); });
    $all("[data-upload-files]", root).forEach(function (i) { i.addEventListener("change", function () { upload(i); }); });
  }

  if (body.dataset.page === "join") {
    join();
    // the link pasted into this very page changes only the fragment: no new page load
    window.addEventListener("hashchange", join);
    return;
  }
  wire(document);
  listen();
}());
