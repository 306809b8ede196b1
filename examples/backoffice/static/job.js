// Live progress of an import: polls the job's progress endpoint and
// updates the counts, the bar and the rate; reloads the page once the job
// has ended, so the issues and the download appear.
(function () {
  "use strict";
  var job = document.getElementById("job");
  if (!job) { return; }
  var url = job.getAttribute("data-progress");
  var ended = function (s) { return s === "done" || s === "failed"; };
  if (ended(job.getAttribute("data-state"))) { return; }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (p) {
        document.getElementById("state").textContent = p.stateText;
        var bar = document.getElementById("bar");
        bar.max = p.total > 0 ? p.total : Math.max(p.counts.read, 1);
        bar.value = p.counts.read;
        document.getElementById("rows").textContent = p.rowsText;
        document.getElementById("rate").textContent = p.rateText;
        Object.keys(p.counts).forEach(function (k) {
          var td = document.querySelector('[data-count="' + k + '"]');
          if (td) { td.textContent = p.counts[k]; }
        });
        if (ended(p.state)) { window.location.reload(); return; }
        setTimeout(poll, 400);
      })
      .catch(function () { setTimeout(poll, 2000); });
  }
  poll();
})();
