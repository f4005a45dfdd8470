/*
 * Autosave for the review form (templates/reviews/reviewing/review_detail.html), the
 * consolidated assessment, and each proposal's outcome form on the live-notes page
 * (templates/debate/live_notes.html): every form on the page with data-autosave-url.
 *
 * Loaded with <script src>: the portal's Content-Security-Policy allows no inline script or
 * style. Without JavaScript the form's own buttons save and submit; this adds
 *
 * - a copy of the form in localStorage on every change, keyed by review code and revision,
 *   removed once the portal has saved the same text, and offered back on the next visit
 *   when it is newer than the saved review (a failed request or a closed tab loses nothing);
 * - a draft save about two seconds after typing stops, posting the whole form as FormData
 *   with the CSRF token; the portal refuses a save of an outdated revision with 409, and
 *   autosave then stops instead of overwriting what another tab saved;
 * - a polite status line ("Saved at 14:02" / "Not saved: ...") and a warning before leaving
 *   the page with unsaved changes;
 * - another try as soon as the browser is back online.
 *
 * A submitted review is saved only by submitting it again (data-autosave="off"): changes
 * are then kept in the browser only.
 *
 * Per form, the elements it uses are named by data attributes (defaults: the review
 * page's ids): data-status-id (the status line), data-restore-id (the restore box, with
 * "-text", "-yes" and "-no" elements; "-text" carries the page's own sentence in
 * data-template), data-conflict-id (where a 409's `current_text`, what the other person
 * saved, is shown; its "-box" element is unhidden). data-restore="auto" restores a newer
 * local copy at once and only says so; data-save-on-blur saves when focus leaves a field.
 *
 * The messages come from the JavaScript catalogue (gettext, base.html). They speak of "this
 * browser"; a page that keeps its copy elsewhere in its users' eyes (the live notes: "this
 * device") words four of them itself, in data-msg-offline, data-msg-http, data-msg-local
 * and data-msg-stale.
 */
(function () {
  "use strict";

  var DEBOUNCE_MS = 2000;

  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  Array.prototype.forEach.call(document.querySelectorAll("form[data-autosave-url]"), attach);

  function attach(form) {
    var data = form.dataset;
    var autosaveOn = data.autosave === "on";
    var prefix = "portal-review:" + data.reviewCode + ":";
    var revisionInput = form.elements.namedItem("revision");
    var statusLine = document.getElementById(data.statusId || "review-save-status");
    var restoreId = data.restoreId || "review-restore";
    var conflict = data.conflictId ? document.getElementById(data.conflictId) : null;
    var serverSavedAt = Date.parse(data.savedAt) || 0;
    var skipped = { csrfmiddlewaretoken: true, revision: true, action: true };
    var messages = {
      offline:
        data.msgOffline ||
        gettext("Not saved: the portal could not be reached. A copy is kept in this browser."),
      http:
        data.msgHttp ||
        gettext(
          "the portal answered with an error (%(status)s). A copy is kept in this browser."
        ),
      local: data.msgLocal || gettext("Changes kept in this browser. Submit again to save them."),
      stale:
        data.msgStale ||
        gettext(
          "Autosave stopped. Reload the page to see the saved version; your copy stays in this browser."
        ),
    };

    var dirty = false;
    var blocked = false; // after a 409: never overwrite what another tab saved
    var timer = null;
    var inFlight = null;
    var again = false;
    var leaving = false;
    var toldLocal = false;

    function say(message) {
      statusLine.textContent = message;
    }

    function fields() {
      var result = [];
      new FormData(form).forEach(function (value, name) {
        if (!skipped[name] && typeof value === "string") {
          result.push([name, value]);
        }
      });
      return result;
    }

    function same(a, b) {
      return JSON.stringify(a) === JSON.stringify(b);
    }

    // --- the local copy -------------------------------------------------------------------

    function storage() {
      try {
        return window.localStorage;
      } catch (error) {
        return null; // storage disabled: autosave still works, only the local copy is lost
      }
    }

    function copies() {
      var store = storage();
      var found = [];
      if (!store) {
        return found;
      }
      for (var i = 0; i < store.length; i += 1) {
        var key = store.key(i);
        if (key && key.indexOf(prefix) === 0) {
          try {
            var copy = JSON.parse(store.getItem(key));
            copy.key = key;
            found.push(copy);
          } catch (error) {
            found.push({ key: key, savedAt: 0, fields: [] });
          }
        }
      }
      return found;
    }

    function forget() {
      var store = storage();
      copies().forEach(function (copy) {
        store.removeItem(copy.key);
      });
    }

    function keep() {
      var store = storage();
      if (!store) {
        return;
      }
      try {
        store.setItem(
          prefix + revisionInput.value,
          JSON.stringify({
            savedAt: Date.now(),
            revision: Number(revisionInput.value),
            fields: fields(),
          })
        );
      } catch (error) {
        // Quota exceeded or private mode: nothing else to do.
      }
    }

    function apply(values) {
      var byName = {};
      values.forEach(function (pair) {
        (byName[pair[0]] = byName[pair[0]] || []).push(pair[1]);
      });
      Array.prototype.forEach.call(form.elements, function (element) {
        if (!element.name || skipped[element.name] || element.type === "submit") {
          return;
        }
        var wanted = byName[element.name] || [];
        if (element.type === "radio" || element.type === "checkbox") {
          element.checked = wanted.indexOf(element.value) !== -1;
        } else if ("value" in element) {
          element.value = wanted.length ? wanted[0] : "";
        }
      });
    }

    // --- saving ---------------------------------------------------------------------------

    function schedule() {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, DEBOUNCE_MS);
    }

    function failed(reason) {
      say(interpolate(gettext("Not saved: %(reason)s"), { reason: reason }, true));
    }

    function save() {
      timer = null;
      if (blocked || !dirty) {
        return Promise.resolve();
      }
      if (inFlight) {
        again = true;
        return inFlight;
      }
      if (navigator.onLine === false) {
        say(messages.offline); // tried again on the "online" event
        return Promise.resolve();
      }
      var sent = fields();
      var body = new FormData(form);
      body.delete("action");
      inFlight = fetch(data.autosaveUrl, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        redirect: "manual",
        headers: {
          Accept: "application/json",
          "X-CSRFToken": form.elements.namedItem("csrfmiddlewaretoken").value,
        },
      })
        .then(function (response) {
          return response
            .json()
            .catch(function () {
              return null;
            })
            .then(function (answer) {
              handle(response, answer, sent);
            });
        })
        .catch(function () {
          say(messages.offline);
        })
        .then(function () {
          inFlight = null;
          if (again) {
            again = false;
            if (dirty && !blocked) {
              schedule();
            }
          }
        });
      return inFlight;
    }

    function handle(response, answer, sent) {
      if (response.ok && answer && answer.revision) {
        revisionInput.value = String(answer.revision);
        serverSavedAt = Date.parse(answer.saved_at) || Date.now();
        forget();
        if (same(fields(), sent)) {
          dirty = false;
        } else {
          keep(); // typed during the request: keep it under the new revision, save it next
          schedule();
        }
        say(answer.message);
        return;
      }
      if (response.status === 409) {
        blocked = true;
        window.clearTimeout(timer);
        failed((answer && answer.error) || interpolate(messages.http, { status: 409 }, true));
        statusLine.textContent += " " + messages.stale;
        if (conflict && answer && typeof answer.current_text === "string") {
          conflict.textContent = answer.current_text;
          var conflictBox = document.getElementById(data.conflictId + "-box") || conflict;
          conflictBox.hidden = false;
        }
        return;
      }
      if (answer && answer.error) {
        failed(answer.error);
      } else {
        failed(interpolate(messages.http, { status: response.status || response.type }, true));
      }
    }

    function changed() {
      dirty = true;
      keep();
      if (!autosaveOn) {
        if (!toldLocal) {
          toldLocal = true;
          say(messages.local);
        }
        return;
      }
      if (!blocked) {
        schedule();
      }
    }

    form.addEventListener("input", changed);
    form.addEventListener("change", changed);

    if (data.saveOnBlur !== undefined) {
      form.addEventListener("focusout", function () {
        if (autosaveOn && dirty && !blocked && timer) {
          window.clearTimeout(timer);
          save();
        }
      });
    }

    window.addEventListener("online", function () {
      if (autosaveOn && dirty && !blocked) {
        window.clearTimeout(timer);
        save();
      }
    });

    form.addEventListener("submit", function (event) {
      window.clearTimeout(timer);
      if (inFlight) {
        // Let the autosave finish first: it changes the revision the form must carry.
        event.preventDefault();
        var submitter = event.submitter;
        inFlight.then(function () {
          leaving = true;
          if (form.requestSubmit) {
            form.requestSubmit(submitter);
          } else {
            form.submit();
          }
        });
        return;
      }
      leaving = true;
    });

    window.addEventListener("beforeunload", function (event) {
      if (dirty && !leaving) {
        event.preventDefault();
        event.returnValue = "";
      }
    });

    // --- on load: offer a newer local copy back -------------------------------------------

    function offerRestore() {
      var found = copies();
      if (!found.length) {
        return;
      }
      found.sort(function (a, b) {
        return (b.savedAt || 0) - (a.savedAt || 0);
      });
      var newest = found[0];
      var current = Number(revisionInput.value);
      // A copy on top of the current revision was never acknowledged by the portal (saved
      // copies are removed), so it is newer whatever the clocks say.
      var newer = newest.revision >= current || newest.savedAt > serverSavedAt;
      if (!newer || !newest.fields || same(newest.fields, fields())) {
        forget();
        return;
      }
      var box = document.getElementById(restoreId);
      var text = document.getElementById(restoreId + "-text");
      var when = new Date(newest.savedAt).toLocaleString(document.documentElement.lang || undefined, {
        dateStyle: "medium",
        timeStyle: "short",
      });
      box.hidden = false;
      text.textContent = interpolate(text.dataset.template, { time: when }, true);
      if (data.restore === "auto") {
        apply(newest.fields);
        forget();
        changed();
        return;
      }
      document.getElementById(restoreId + "-yes").addEventListener("click", function () {
        apply(newest.fields);
        forget();
        box.hidden = true;
        changed();
        say(gettext("Your copy was restored."));
        // The button just disappeared: give focus somewhere sensible, not back to the page.
        statusLine.setAttribute("tabindex", "-1");
        statusLine.focus();
      });
      document.getElementById(restoreId + "-no").addEventListener("click", function () {
        forget();
        box.hidden = true;
      });
    }

    offerRestore();
  }
})();
