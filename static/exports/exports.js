/* "My exports": while a job is queued or running, ask the status URL every few seconds
 * and update its progress; reload the page when a job finishes, so its download link and
 * any error message appear. No inline script (CSP): served from static/.
 */
(function () {
  "use strict";
  var table = document.querySelector("table[data-status-url]");
  if (!table || !table.hasAttribute("data-pending")) {
    return;
  }
  var url = table.getAttribute("data-status-url");

  function update(jobs) {
    var reload = false;
    jobs.forEach(function (job) {
      var row = table.querySelector('tr[data-job="' + job.id + '"]');
      if (!row) {
        return;
      }
      var before = row.getAttribute("data-status");
      if ((job.status === "done" || job.status === "failed") && before !== job.status) {
        reload = true;
      }
      var bar = row.querySelector("progress");
      if (bar) {
        bar.value = job.progress;
      }
      var text = row.querySelector('[data-col="progress"]');
      if (text) {
        text.textContent = job.progress + "%";
      }
      var label = row.querySelector('[data-col="label"]');
      if (label) {
        label.textContent = job.label;
      }
      var delay = row.querySelector('[data-col="delay"]');
      if (delay) {
        delay.textContent = job.delay || "";
        delay.hidden = !job.delay;
      }
    });
    if (reload) {
      window.location.reload();
    } else {
      window.setTimeout(poll, 2000);
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.ok ? response.json() : { jobs: [] };
      })
      .then(function (data) {
        update(data.jobs);
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1500);
})();
