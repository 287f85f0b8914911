// Annals: small enhancements. Pages work without this file.
(function () {
  "use strict";
  // sort and similar selects submit their form when changed
  document.querySelectorAll("select[data-autosubmit]").forEach(function (s) {
    s.addEventListener("change", function () { s.form.submit(); });
  });
  // copy a citation
  document.querySelectorAll("button[data-copy]").forEach(function (b) {
    b.addEventListener("click", function () {
      var el = document.querySelector(b.getAttribute("data-copy"));
      var status = b.parentNode.querySelector(".copy-status");
      var text = el ? el.innerText.trim() : "";
      function done() { if (status) { status.textContent = b.getAttribute("data-copied"); } b.setAttribute("data-copied-text", text); }
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(done, function () { fallback(el); done(); });
      } else { fallback(el); done(); }
    });
  });
  function fallback(el) {
    var r = document.createRange(); r.selectNodeContents(el);
    var sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(r);
    try { document.execCommand("copy"); } catch (e) { /* the text stays selected */ }
  }
  // change the citation style without reloading
  var picker = document.querySelector("select[data-citation-style]");
  if (picker) {
    picker.addEventListener("change", function () {
      var box = picker.closest("[data-record]"), id = box.getAttribute("data-record");
      var base = "/api/v1/records/" + encodeURIComponent(id) + "/citation?format=html&style=" + encodeURIComponent(picker.value);
      fetch(base, { headers: { "Accept": "application/json" } }).then(function (r) { return r.json(); }).then(function (j) {
        document.getElementById("reference").innerHTML = j.bibliography;
        document.getElementById("intext").innerHTML = j.citation;
        history.replaceState(null, "", "?style=" + encodeURIComponent(picker.value) + "#cite");
      });
    });
  }
  // follow an export job
  var job = document.querySelector("[data-job]");
  if (job && (job.dataset.status === "queued" || job.dataset.status === "running")) {
    var bar = document.getElementById("job-progress"), status = document.getElementById("job-status");
    var link = document.getElementById("job-download");
    var poll = function () {
      fetch("/librarian/exports/" + job.dataset.job + "/status", { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (j) {
        job.dataset.status = j.status;
        if (j.progress.total) { bar.max = j.progress.total; bar.value = j.progress.done; }
        if (j.status === "done") { status.textContent = job.dataset.msgDone; link.classList.remove("hidden"); bar.value = bar.max; return; }
        if (j.status === "failed") { status.textContent = job.dataset.msgFailed.replace("{0}", j.error); return; }
        status.textContent = j.status === "queued" ? job.dataset.msgQueued :
          job.dataset.msgProgress.replace("{0}", j.progress.done).replace("{1}", j.progress.total);
        setTimeout(poll, 400);
      }).catch(function () { setTimeout(poll, 2000); });
    };
    poll();
  }
  // upload files with a progress bar, and by dropping them on the form
  var upload = document.querySelector("[data-upload]");
  if (upload && window.FormData && window.XMLHttpRequest) {
    var input = upload.querySelector("input[type=file]"), progress = upload.querySelector("progress");
    upload.addEventListener("dragover", function (e) { e.preventDefault(); upload.classList.add("drop"); });
    upload.addEventListener("dragleave", function () { upload.classList.remove("drop"); });
    upload.addEventListener("drop", function (e) {
      e.preventDefault(); upload.classList.remove("drop");
      if (e.dataTransfer && e.dataTransfer.files.length) { input.files = e.dataTransfer.files; }
    });
    upload.addEventListener("submit", function (e) {
      e.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", upload.action);
      xhr.upload.addEventListener("progress", function (p) {
        if (p.lengthComputable) { progress.hidden = false; progress.max = p.total; progress.value = p.loaded; }
      });
      xhr.addEventListener("load", function () {
        if (xhr.status < 400) { location.href = xhr.responseURL || location.href; return; }
        document.open(); document.write(xhr.responseText); document.close(); // the page that says what to fix
      });
      xhr.send(new FormData(upload));
    });
  }
})();
