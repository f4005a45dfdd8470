/*
 * Saves a bid as soon as the reviewer changes it (templates/assignment/bids.html).
 *
 * Loaded with <script src>: the Content-Security-Policy allows no inline script. Without
 * JavaScript the page's Save button posts every bid of the page; with it, each change posts
 * that one bid (the CSRF token and the one select) to the same URL, asking for JSON, and
 * the row's status and a polite live region say whether it was saved (in the page's
 * language: the strings come from the JavaScript catalogue, base.html).
 */
(function () {
  "use strict";

  var form = document.getElementById("bid-form");
  var live = document.getElementById("bid-live");
  if (!form || !live || form.getAttribute("data-autosave") !== "on") {
    return;
  }
  var note = document.getElementById("bid-autosave-note");
  if (note) {
    note.hidden = false;
  }

  function announce(message) {
    live.textContent = "";
    // Set after a tick, so that the same message twice is announced twice.
    window.setTimeout(function () {
      live.textContent = message;
    }, 50);
  }

  function save(select) {
    var code = select.name.slice("bid-".length);
    var title = document.getElementById("title-" + code);
    var status = form.querySelector('[data-bid-status="' + code + '"]');
    var label = title ? title.textContent : code;
    var body = new FormData();
    body.append("csrfmiddlewaretoken", form.elements.namedItem("csrfmiddlewaretoken").value);
    body.append(select.name, select.value);
    fetch(window.location.href, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json" },
    })
      .then(function (response) {
        return response.json().then(function (data) {
          return { ok: response.ok, data: data };
        });
      })
      .then(function (result) {
        var message = result.ok
          ? interpolate(gettext("Bid on %(title)s saved."), { title: label }, true)
          : interpolate(
              gettext("Bid on %(title)s not saved: %(error)s"),
              { title: label, error: (result.data.errors || []).join(" ") },
              true
            );
        if (status) {
          // The row's title is beside it: one word says enough.
          status.textContent = result.ok ? pgettext("one bid", "Saved") : message;
          status.className = result.ok ? "d-block small text-success" : "d-block small text-danger";
        }
        announce(message);
      })
      .catch(function () {
        var message = gettext("The bid could not be saved. Use the Save button to try again.");
        if (status) {
          status.textContent = message;
          status.className = "d-block small text-danger";
        }
        announce(message);
      });
  }

  form.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.hasAttribute("data-bid-select")) {
      save(target);
    }
  });
})();
