/*
 * The search of the proposal form's "linked evaluations" and "linked reviews"
 * (templates/debate/proposal_form.html).
 *
 * Loaded with <script src>: the Content-Security-Policy allows no inline script. Without
 * JavaScript each Search button posts the form back, which comes back with the new matches
 * and every typed value kept. With it, typing (or the button) asks the same page for the
 * checkboxes of that one list (?partial=...), sending the ticked ones so that they stay
 * ticked, and swaps them in; the rest of the form is untouched.
 */
(function () {
  "use strict";

  var form = document.getElementById("proposal-form");
  if (!form || !window.fetch || !window.URLSearchParams) {
    return;
  }

  function setUp(set) {
    var name = set.getAttribute("data-link-search");
    var input = set.querySelector("[data-link-query]");
    var button = set.querySelector("[data-link-button]");
    var results = set.querySelector("[data-link-results]");
    if (!input || !button || !results) {
      return;
    }
    var timer = null;
    var latest = 0;

    function search() {
      window.clearTimeout(timer);
      var params = new URLSearchParams();
      params.append("partial", name);
      params.append(input.name, input.value);
      var ticked = results.querySelectorAll('input[type="checkbox"]:checked');
      Array.prototype.forEach.call(ticked, function (box) {
        params.append(name, box.value);
      });
      var ticket = ++latest;
      fetch(window.location.pathname + "?" + params.toString(), {
        credentials: "same-origin",
        headers: { Accept: "text/html" },
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.text();
        })
        .then(function (html) {
          if (ticket === latest) {
            results.innerHTML = html;
          }
        })
        .catch(function () {
          // Nothing to do: the Search button still posts the form.
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 300);
    });
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault();
        search();
      }
    });
    button.addEventListener("click", function (event) {
      event.preventDefault();
      search();
    });
  }

  Array.prototype.forEach.call(form.querySelectorAll("[data-link-search]"), setUp);
})();
