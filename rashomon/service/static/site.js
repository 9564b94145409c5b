/* rashomon web UI: follows analyses as jobs (progress bar) and lets the compare form take more
   reports. Every page works without it: the compare form posts normally and the job page
   reloads itself. Data is written with textContent only. */
(function () {
  "use strict";

  function show(box, job) {
    var pct = Math.round((job.progress || 0) * 100);
    var bar = box.querySelector("progress");
    if (bar) { bar.value = job.progress || 0; bar.textContent = pct + "%"; }
    var p = box.querySelector(".job-pct");
    if (p) { p.textContent = pct + "%"; }
    var t = box.querySelector(".job-text");
    if (t) { t.textContent = job.stage || job.state; }
  }

  /* Poll a job until it is done or failed, then call done(job). */
  function follow(url, box, done, fail) {
    var delay = 400;
    function tick() {
      fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
        .then(function (res) {
          if (!res.ok) { fail(res.body && res.body.error ? res.body.error : { message: "the job was lost" }); return; }
          var job = res.body;
          show(box, job);
          if (job.state === "done") { done(job); return; }
          if (job.state === "failed") { fail(job.error || { message: "the analysis failed" }); return; }
          delay = Math.min(1500, delay * 1.25);
          window.setTimeout(tick, delay);
        })
        .catch(function () { window.setTimeout(tick, 2000); });
    }
    tick();
  }

  /* A job page (a story being reconciled, a comparison under way): follow, then reload. */
  var page = document.querySelector("section.job[data-job-url]");
  if (page) {
    follow(page.getAttribute("data-job-url"), page,
      function () { window.location.reload(); },
      function () { window.location.reload(); });
  }

  /* The compare form: start a job through the API, show its progress, open the result. */
  var form = document.getElementById("compare-form");
  if (!form || !window.fetch || !window.FormData) { return; }
  var slots = document.getElementById("slots");
  var add = document.getElementById("add-slot");
  var errorBox = document.getElementById("compare-error");
  var progress = document.getElementById("compare-progress");
  var go = document.getElementById("compare-go");

  if (add && slots) {
    add.hidden = false;
    add.addEventListener("click", function () {
      var all = slots.querySelectorAll("fieldset.slot");
      var k = all.length + 1;
      var copy = all[all.length - 1].cloneNode(true);
      copy.querySelector("legend").textContent = "Report " + k + " (optional)";
      Array.prototype.forEach.call(copy.querySelectorAll("input, textarea"), function (el) {
        var base = el.id.replace(/-\d+$/, "");
        el.id = base + "-" + k;
        el.value = "";
      });
      Array.prototype.forEach.call(copy.querySelectorAll("label"), function (el) {
        el.htmlFor = el.htmlFor.replace(/-\d+$/, "") + "-" + k;
      });
      slots.appendChild(copy);
      copy.querySelector("textarea").focus();
    });
  }

  function showError(error) {
    errorBox.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = "That did not work. ";
    errorBox.appendChild(strong);
    errorBox.appendChild(document.createTextNode((error.code ? "[" + error.code + "] " : "") + (error.message || "")));
    errorBox.hidden = false;
    progress.hidden = true;
    go.disabled = false;
    errorBox.scrollIntoView({ block: "nearest" });
  }

  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    errorBox.hidden = true;
    go.disabled = true;
    progress.hidden = false;
    show(progress, { progress: 0, stage: "sending the reports" });
    /* The API takes a form upload only with a header a page on another site could not send
       without a (refused) preflight: the page's CSRF token, which the server also checks. */
    var csrf = form.querySelector('input[name="csrf_token"]');
    fetch(form.getAttribute("data-api"), {
      method: "POST", body: new FormData(form), credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRF-Token": csrf ? csrf.value : "" }
    })
      .then(function (r) { return r.json().then(function (body) { return { ok: r.ok, body: body }; }); })
      .then(function (res) {
        if (!res.ok) { showError(res.body && res.body.error ? res.body.error : { message: "the server refused the reports" }); return; }
        var job = res.body;
        show(progress, job);
        follow(job.links.self, progress, function (done) {
          window.location.assign(done.links.page);
        }, showError);
      })
      .catch(function () { showError({ message: "the server could not be reached" }); });
  });
})();
