/*
 * Live progress of report jobs (templates/reports/staff/index.html).
 *
 * Loaded with <script src>: the Content-Security-Policy allows no inline script. Without
 * JavaScript the page shows each job's state as it was when loaded; with it, every queued or
 * running job's row polls its JSON status URL every 1.5 s and updates
 *
 * - the progress bar (role="progressbar": aria-valuenow and aria-valuetext; the visual
 *   <progress> inside is hidden from assistive technology),
 * - the state, the data snapshot and, once done, a download link,
 *
 * and announces changes of state (not every percent) in the polite live region.
 * Polling stops when no job is left queued or running, and pauses while the tab is hidden.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 1500;
  var MAX_FAILURES = 5;
  var live = document.getElementById("report-live");
  var texts = document.getElementById("report-messages");
  var rows = Array.prototype.slice.call(
    document.querySelectorAll("tr[data-report-job][data-status-url]")
  );
  var failures = 0;
  var timer = null;

  if (!live || !texts) {
    return;
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }

  function announce(message) {
    live.textContent = "";
    // A fresh node, so that screen readers announce a repeated message too.
    window.setTimeout(function () {
      live.textContent = message;
    }, 50);
  }

  function active(row) {
    var state = row.getAttribute("data-state");
    return state === "queued" || state === "running";
  }

  function part(row, role) {
    return row.querySelector('[data-role="' + role + '"]');
  }

  function setProgress(row, value) {
    var bar = part(row, "progressbar");
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

  function addText(cell, role, text, className) {
    var node = part(cell.closest("tr"), role);
    if (!node) {
      node = document.createElement("span");
      node.setAttribute("data-role", role);
      node.className = className;
      cell.appendChild(node);
    }
    node.textContent = text;
  }

  function update(row, status) {
    var before = row.getAttribute("data-state");
    var label = row.getAttribute("data-label");
    part(row, "state").textContent = status.state_label;
    setProgress(row, status.progress);
    row.setAttribute("data-state", status.state);
    if (status.snapshot) {
      part(row, "snapshot").textContent = status.snapshot;
    }
    var stateCell = part(row, "state").parentNode;
    if (status.finished_at) {
      addText(stateCell, "finished", status.finished_at, "d-block small");
    }
    if (status.state === before) {
      return;
    }
    var bar = part(row, "progressbar");
    if (status.state === "done") {
      if (bar) {
        bar.parentNode.removeChild(bar);
      }
      if (status.download_url && !row.querySelector("a[data-role=download]")) {
        var link = document.createElement("a");
        link.href = status.download_url;
        link.setAttribute("data-role", "download");
        link.textContent = status.download_label;
        var hidden = document.createElement("span");
        hidden.className = "visually-hidden";
        hidden.textContent = " " + label;
        link.appendChild(hidden);
        part(row, "actions").prepend(link);
      }
      announce(fill(texts.getAttribute("data-done"), { report: label }));
    } else if (status.state === "failed") {
      if (bar) {
        bar.parentNode.removeChild(bar);
      }
      addText(stateCell, "error", status.error, "d-block small text-danger");
      announce(fill(texts.getAttribute("data-failed"), { report: label, error: status.error }));
      // The retry button needs a fresh CSRF form: the page offers it after a reload.
    } else if (status.state === "running") {
      announce(fill(texts.getAttribute("data-running"), { report: label }));
    }
  }

  function poll() {
    timer = null;
    var pending = rows.filter(active);
    if (pending.length === 0) {
      return;
    }
    if (document.hidden) {
      schedule();
      return;
    }
    Promise.all(
      pending.map(function (row) {
        return fetch(row.getAttribute("data-status-url"), {
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
            update(row, status);
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

  function schedule() {
    if (timer === null) {
      timer = window.setTimeout(poll, INTERVAL_MS);
    }
  }

  schedule();
})();
