// trialmatch: a little progressive enhancement. Every page works without it.
(function () {
  "use strict";

  // Autocomplete: fill the datalists named by data-vocab from /vocabulary.json, once.
  var vocab = null;
  function loadVocabulary() {
    if (vocab) return vocab;
    vocab = fetch("/vocabulary.json", { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) throw new Error("vocabulary " + r.status);
      return r.json();
    });
    return vocab;
  }
  function fill(input) {
    var list = input.getAttribute("list");
    var target = list && document.getElementById(list);
    if (!target || target.dataset.filled) return;
    target.dataset.filled = "1";
    loadVocabulary().then(function (data) {
      var frag = document.createDocumentFragment();
      input.dataset.vocab.split(",").forEach(function (key) {
        (data[key] || []).forEach(function (name) {
          var option = document.createElement("option");
          option.value = name;
          frag.appendChild(option);
        });
      });
      target.appendChild(frag);
    }).catch(function () { delete target.dataset.filled; });
  }
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    if (el && el.matches && el.matches("input[data-vocab]")) fill(el);
  });

  // Repeating rows: copy the last row with the next number.
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("button.add-row");
    if (!button) return;
    var rows = document.querySelector('.rows[data-group="' + button.dataset.group + '"]');
    var last = rows && rows.lastElementChild;
    if (!last) return;
    var next = rows.children.length;
    var copy = last.cloneNode(true);
    copy.querySelectorAll("input, select").forEach(function (field) {
      field.name = field.name.replace(/-(\d+)-/, "-" + next + "-");
      if (field.tagName === "SELECT") field.selectedIndex = 0; else field.value = "";
    });
    rows.appendChild(copy);
    var first = copy.querySelector("input, select");
    if (first) first.focus();
  });

  // Print: open every <details data-print-open> first.
  function openForPrint() {
    document.querySelectorAll("details[data-print-open]").forEach(function (d) { d.open = true; });
  }
  window.addEventListener("beforeprint", openForPrint);
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-action='print']");
    if (el) { openForPrint(); window.print(); }
  });

  // Confirm before destructive forms.
  document.addEventListener("submit", function (event) {
    var message = event.target.dataset && event.target.dataset.confirm;
    if (message && !window.confirm(message)) event.preventDefault();
  });

  // Selects that submit their form when changed.
  document.addEventListener("change", function (event) {
    var el = event.target;
    if (el.matches && el.matches("select[data-autosubmit]")) el.form.submit();
  });

  // Trial page: a criterion and its source words light up together.
  function light(index, on) {
    document.querySelectorAll(".eligibility-text mark").forEach(function (m) {
      var ids = (m.dataset.criteria || "").split(" ");
      if (ids.indexOf(String(index)) >= 0) m.classList.toggle("active", on);
    });
    var c = document.getElementById("c" + index);
    if (c) c.classList.toggle("active", on);
  }
  document.addEventListener("mouseover", function (event) {
    var c = event.target.closest && event.target.closest(".criterion");
    if (c) light(c.dataset.index, true);
  });
  document.addEventListener("mouseout", function (event) {
    var c = event.target.closest && event.target.closest(".criterion");
    if (c) light(c.dataset.index, false);
  });
  document.addEventListener("click", function (event) {
    var c = event.target.closest && event.target.closest(".criterion");
    if (c) {
      var mark = Array.prototype.find.call(document.querySelectorAll(".eligibility-text mark"), function (m) {
        return (m.dataset.criteria || "").split(" ").indexOf(c.dataset.index) >= 0;
      });
      if (mark) mark.scrollIntoView({ block: "center", behavior: "smooth" });
      return;
    }
    var m = event.target.closest && event.target.closest(".eligibility-text mark");
    if (m && m.dataset.criteria) {
      var first = document.getElementById("c" + m.dataset.criteria.split(" ")[0]);
      if (first) { first.scrollIntoView({ block: "center", behavior: "smooth" }); first.focus(); }
    }
  });

  // Search: facet counts arrive after the hits when they were not ready.
  var facets = document.querySelector("aside.facets[data-facets-url]");
  if (facets) {
    fetch(facets.dataset.facetsUrl, { credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.text(); })
      .then(function (html) { facets.innerHTML = html; facets.removeAttribute("aria-busy"); })
      .catch(function () {
        facets.querySelector(".count").textContent = "The counts could not be loaded.";
      });
  }

  // Cohort job: poll the progress until done or failed.
  var job = document.getElementById("job");
  if (job && (job.dataset.state === "waiting" || job.dataset.state === "running")) {
    var poll = function () {
      fetch("/cohort/jobs/" + job.dataset.job + ".json", { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (s) {
          document.getElementById("job-done").textContent = s.done;
          document.getElementById("job-total").textContent = s.total;
          var bar = document.getElementById("job-progress");
          bar.max = s.total || 1; bar.value = s.done;
          var text = { waiting: "Waiting for the previous cohort to finish", running: "Matching", done: "Done", failed: "Failed" };
          document.getElementById("job-text").textContent = text[s.state] || s.state;
          job.dataset.state = s.state;
          if (s.state === "done") {
            var sum = s.summary;
            var el = document.getElementById("job-summary");
            el.textContent = sum.patients + " patients × " + sum.trials + " trials → " + sum.rows +
              " rows in " + sum.seconds + " s; eligible trials per patient: " + sum.eligible_mean + " on average.";
            el.classList.remove("hidden");
            document.getElementById("job-download").classList.remove("hidden");
          } else if (s.state === "failed") {
            var msg = document.getElementById("job-message");
            msg.textContent = s.message; msg.classList.remove("hidden");
          } else {
            setTimeout(poll, 400);
          }
        })
        .catch(function () { setTimeout(poll, 1500); });
    };
    setTimeout(poll, 300);
  }
})();
