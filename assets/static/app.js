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
  // change the citation style: the page shows the reference (or, for a
  // kind the style's bibliography leaves out, its note) and labels notes
  // as notes, so it is asked for again
  var picker = document.querySelector("select[data-citation-style]");
  if (picker) {
    picker.addEventListener("change", function () {
      var loc = picker.form && picker.form.elements.locator ? picker.form.elements.locator.value.trim() : "";
      location.assign("?style=" + encodeURIComponent(picker.value) + (loc ? "&locator=" + encodeURIComponent(loc) : "") + "#cite");
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
  // suggestions as a person types in the search box: a combobox (arrow
  // keys move, Enter takes the one chosen, Escape closes)
  var box = document.querySelector("input[data-suggest]");
  if (box) {
    var list = document.getElementById(box.getAttribute("aria-controls"));
    var timer = null, active = -1, items = [], asked = "";
    function close() { list.hidden = true; box.setAttribute("aria-expanded", "false"); box.removeAttribute("aria-activedescendant"); active = -1; }
    function choose(i) {
      if (i < 0 || i >= items.length) { return; }
      box.value = items[i].text; close(); box.form.submit();
    }
    function mark(i) {
      active = i;
      Array.prototype.forEach.call(list.children, function (li, j) { li.setAttribute("aria-selected", j === i ? "true" : "false"); });
      if (i >= 0) { box.setAttribute("aria-activedescendant", list.children[i].id); } else { box.removeAttribute("aria-activedescendant"); }
    }
    function show(found) {
      items = found; list.textContent = "";
      found.forEach(function (s, i) {
        var li = document.createElement("li");
        li.id = "q-suggestion-" + i; li.setAttribute("role", "option"); li.setAttribute("aria-selected", "false");
        li.textContent = s.text;
        var kind = document.createElement("span"); kind.className = "kind"; kind.textContent = list.getAttribute("data-" + s.kind) || s.kind;
        li.appendChild(kind);
        li.addEventListener("mousedown", function (e) { e.preventDefault(); choose(i); });
        list.appendChild(li);
      });
      if (found.length) { list.hidden = false; box.setAttribute("aria-expanded", "true"); } else { close(); }
      active = -1;
    }
    box.addEventListener("input", function () {
      clearTimeout(timer);
      var q = box.value.trim();
      if (q.length < 2) { close(); return; }
      timer = setTimeout(function () {
        asked = q;
        fetch(box.getAttribute("data-suggest") + "?q=" + encodeURIComponent(q), { headers: { "Accept": "application/json" } })
          .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
          .then(function (d) { if (asked === q && box.value.trim() === q) { show(d.suggestions || []); } })
          .catch(function () { close(); });
      }, 120);
    });
    box.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); mark((active + 1) % items.length); }
      else if (e.key === "ArrowUp") { e.preventDefault(); mark(active <= 0 ? items.length - 1 : active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); choose(active); }
      else if (e.key === "Escape") { close(); }
    });
    box.addEventListener("blur", function () { setTimeout(close, 100); });
  }
  // select every checkbox of a list; ask before a destructive button
  document.querySelectorAll("input[data-select-all]").forEach(function (all) {
    all.addEventListener("change", function () {
      all.form.querySelectorAll("input[name='" + all.getAttribute("data-select-all") + "']").forEach(function (b) { b.checked = all.checked; });
    });
  });
  document.querySelectorAll("button[data-confirm]").forEach(function (b) {
    b.addEventListener("click", function (e) { if (!window.confirm(b.getAttribute("data-confirm"))) { e.preventDefault(); } });
  });
})();
