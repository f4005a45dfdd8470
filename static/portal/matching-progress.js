/*
 * Live progress of assignment runs (templates/reviews/matching/runs.html and run.html).
 *
 * Loaded with <script src>: the Content-Security-Policy allows no inline script. Without
 * JavaScript a run's state is as it was when the page loaded (reload to follow it); with it,
 * every queued or running run ([data-matching-run]) polls its JSON status URL every second
 * and updates
 *
 * - the progress bar (role="progressbar": aria-valuenow and aria-valuetext; the visual
 *   <progress> inside is hidden from assistive technology),
 * - the state text and, on failure, the error,
 * - elements marked data-show-when="done" or "failed" (the link to the proposal, the
 *   "Run again" form, which the page renders hidden with its CSRF token),
 *
 * and announces changes of state (not every percent) in the polite live region #run-live.
 * Polling stops once no run is queued or running, and pauses while the tab is hidden.
 */
(function () {
  "use strict";

  var INTERVAL_MS = 1000;
  var MAX_FAILURES = 5;
  var live = document.getElementById("run-live");
  var texts = document.getElementById("run-messages");
  var runs = Array.prototype.slice.call(
    document.querySelectorAll("[data-matching-run][data-status-url]")
  );
  var failures = 0;
  var timer = null;

  if (!live || !texts || runs.length === 0) {
    return;
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
  }

  function announce(message) {
    live.textContent = "";
    // Set after a tick, so that a repeated message is announced again.
    window.setTimeout(function () {
      live.textContent = message;
    }, 50);
  }

  function active(run) {
    var state = run.getAttribute("data-state");
    return state === "queued" || state === "running";
  }

  function part(run, role) {
    return run.querySelector('[data-role="' + role + '"]');
  }

  function showWhen(state) {
    var nodes = document.querySelectorAll("[data-show-when]");
    Array.prototype.forEach.call(nodes, function (node) {
      node.hidden = node.getAttribute("data-show-when") !== state;
    });
  }

  function update(run, status) {
    var before = run.getAttribute("data-state");
    var label = run.getAttribute("data-label");
    var bar = part(run, "progressbar");
    part(run, "state").textContent = status.state_label;
    if (bar) {
      bar.setAttribute("aria-valuenow", String(status.progress));
      bar.setAttribute("aria-valuetext", status.progress + " %");
      var visual = bar.querySelector("progress");
      if (visual) {
        visual.value = status.progress;
        visual.textContent = status.progress + " %";
      }
    }
    run.setAttribute("data-state", status.state);
    if (status.state === before) {
      return;
    }
    if (status.state === "done" || status.state === "failed") {
      if (bar) {
        bar.hidden = true;
      }
      showWhen(status.state);
    }
    if (status.state === "done") {
      announce(fill(texts.getAttribute("data-done"), { run: label }));
    } else if (status.state === "failed") {
      var error = part(run, "error");
      if (error) {
        error.textContent = status.error;
        error.hidden = false;
      }
      announce(fill(texts.getAttribute("data-failed"), { run: label, error: status.error }));
    } else if (status.state === "running") {
      announce(fill(texts.getAttribute("data-running"), { run: label }));
    }
  }

  function schedule() {
    if (timer === null) {
      timer = window.setTimeout(poll, INTERVAL_MS);
    }
  }

  function poll() {
    timer = null;
    var pending = runs.filter(active);
    if (pending.length === 0) {
      return;
    }
    if (document.hidden) {
      schedule();
      return;
    }
    Promise.all(
      pending.map(function (run) {
        return fetch(run.getAttribute("data-status-url"), {
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
            update(run, status);
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
