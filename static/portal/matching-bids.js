/*
 * Saves a bid as soon as the reviewer changes it (templates/assignment/bids.html).
 *
 * Loaded with <script src>: the Content-Security-Policy allows no inline script. Without
 * JavaScript the page's Save button posts every bid of the page; with it, each change posts
 * that one bid (the CSRF token and the one select) to the same URL, asking for JSON, and
 * the row's status and a polite live region say whether it was saved.
 */
(function () {
  "use strict";

  var form = document.getElementById("bid-form");
  var live = document.getElementById("bid-live");
  var texts = document.getElementById("bid-messages");
  if (!form || !live || !texts || form.getAttribute("data-autosave") !== "on") {
    return;
  }
  var note = document.getElementById("bid-autosave-note");
  if (note) {
    note.hidden = false;
  }

  function fill(template, values) {
    return template.replace(/%\((\w+)\)s/g, function (match, name) {
      return Object.prototype.hasOwnProperty.call(values, name) ? values[name] : match;
    });
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
          ? fill(texts.getAttribute("data-saved"), { title: label })
          : fill(texts.getAttribute("data-failed"), {
              title: label,
              error: (result.data.errors || []).join(" "),
            });
        if (status) {
          status.textContent = result.ok ? texts.getAttribute("data-saved-short") : message;
          status.className = result.ok ? "d-block small text-success" : "d-block small text-danger";
        }
        announce(message);
      })
      .catch(function () {
        var message = texts.getAttribute("data-offline");
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
