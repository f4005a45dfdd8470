/*
 * Live progress of background jobs: assignment runs (templates/assignment/runs.html,
 * run.html), report jobs (templates/reports/staff/index.html) and a person's data export
 * (templates/privacy/_your_data.html, on the profile page).
 *
 * Loaded with <script src>: the Content-Security-Policy allows no inline script. Without
 * JavaScript a job's state is as it was when the page loaded (reload to follow it); with it,
 * every queued or running job ([data-job][data-status-url]) polls its JSON status URL and
 * updates, inside the job's element (marked by data-role),
 *
 * - the progress bar (role="progressbar": aria-valuenow and aria-valuetext; the visual
 *   <progress> inside is hidden from assistive technology), hidden once the job has ended,
 * - the state text, the data snapshot, the time it finished and, on failure, the error,
 * - once done, a download link (when the status offers one),
 * - elements marked data-show-when="done" or "failed", inside the job's element or anywhere
 *   on the page with data-job-for="<the job's code>" (a link to the result, a "Run again"
 *   form that the page renders hidden with its CSRF token),
 *
 * and announces changes of state (not every percent) in the polite live region
 * [data-job-live], with the messages that [data-job-messages] carries (translated by the
 * page). Polling stops once no job is queued or running, and pauses while the tab is hidden.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 1500;
  var MAX_FAILURES = 5;
  var live = document.querySelector("[data-job-live]");
  var texts = document.querySelector("[data-job-messages]");
  var jobs = Array.prototype.slice.call(document.querySelectorAll("[data-job][data-status-url]"));
  var failures = 0;
  var timer = null;

  if (!live || !texts || jobs.length === 0) {
    return;
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }

  function message(kind, job, error) {
    // The pages' messages name the job "run" or "report"; either placeholder takes its label.
    var label = job.getAttribute("data-label");
    return fill(texts.getAttribute("data-" + kind) || "", {
      run: label,
      report: label,
      error: error || "",
    });
  }

  function announce(text) {
    live.textContent = "";
    // Set after a tick, so that a repeated message is announced again.
    window.setTimeout(function () {
      live.textContent = text;
    }, 50);
  }

  function active(job) {
    var state = job.getAttribute("data-state");
    return state === "queued" || state === "running";
  }

  function part(job, role) {
    return job.querySelector('[data-role="' + role + '"]');
  }

  function setText(job, role, text, className) {
    var node = part(job, role);
    if (!node) {
      node = document.createElement("span");
      node.setAttribute("data-role", role);
      node.className = className;
      part(job, "state").parentNode.appendChild(node);
    }
    node.textContent = text;
    node.hidden = false;
  }

  function setProgress(job, value) {
    var bar = part(job, "progressbar");
    if (!bar) {
      return;
    }
    bar.setAttribute("aria-valuenow", String(value));
    bar.setAttribute("aria-valuetext", value + " %");
    var visual = bar.querySelector("progress");
    if (visual) {
      visual.value = value;
      visual.textContent = value + " %";
    }
  }

  function showWhen(job, state) {
    var code = job.getAttribute("data-job");
    var nodes = Array.prototype.slice.call(job.querySelectorAll("[data-show-when]"));
    if (code) {
      nodes = nodes.concat(
        Array.prototype.slice.call(
          document.querySelectorAll('[data-show-when][data-job-for="' + code + '"]')
        )
      );
    }
    nodes.forEach(function (node) {
      node.hidden = node.getAttribute("data-show-when") !== state;
    });
  }

  function addDownload(job, status) {
    var actions = part(job, "actions");
    if (!status.download_url || !actions || job.querySelector("a[data-role=download]")) {
      return;
    }
    var link = document.createElement("a");
    link.href = status.download_url;
    link.setAttribute("data-role", "download");
    link.textContent = status.download_label;
    var hidden = document.createElement("span");
    hidden.className = "visually-hidden";
    hidden.textContent = " " + job.getAttribute("data-label");
    link.appendChild(hidden);
    actions.prepend(link);
  }

  function update(job, status) {
    var before = job.getAttribute("data-state");
    part(job, "state").textContent = status.state_label;
    setProgress(job, status.progress);
    job.setAttribute("data-state", status.state);
    if (status.snapshot && part(job, "snapshot")) {
      part(job, "snapshot").textContent = status.snapshot;
    }
    if (status.finished_at) {
      setText(job, "finished", status.finished_at, "d-block small");
    }
    if (status.state === before) {
      return;
    }
    if (status.state === "done" || status.state === "failed") {
      var bar = part(job, "progressbar");
      if (bar) {
        bar.hidden = true;
      }
      showWhen(job, status.state);
    }
    if (status.state === "done") {
      addDownload(job, status);
      announce(message("done", job));
    } else if (status.state === "failed") {
      setText(job, "error", status.error, "d-block small text-danger");
      announce(message("failed", job, status.error));
    } else if (status.state === "running") {
      announce(message("running", job));
    }
  }

  function schedule() {
    if (timer === null) {
      timer = window.setTimeout(poll, INTERVAL_MS);
    }
  }

  function poll() {
    timer = null;
    var pending = jobs.filter(active);
    if (pending.length === 0) {
      return;
    }
    if (document.hidden) {
      schedule();
      return;
    }
    Promise.all(
      pending.map(function (job) {
        return fetch(job.getAttribute("data-status-url"), {
          headers: { Accept: "application/json" },
          credentials: "same-origin",
          cache: "no-store",
        })
          .then(function (response) {
            if (!response.ok) {
              throw new Error("HTTP " + response.status);
            }
            return response.json();
          })
          .then(function (status) {
            update(job, status);
          });
      })
    )
      .then(function () {
        failures = 0;
        schedule();
      })
      .catch(function () {
        failures += 1;
        if (failures >= MAX_FAILURES) {
          announce(texts.getAttribute("data-lost"));
          return;
        }
        schedule();
      });
  }

  schedule();
})();
