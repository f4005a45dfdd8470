/*
 * A text filter above the agenda form's list of proposals (templates/debate/agenda_form.html).
 *
 * A workshop may have thousands of proposals: the list is a multiple select grouped by
 * criterion, and typing here hides the options whose text (title, outcome) or criterion
 * code does not contain the words typed. Hidden options keep their selection. Without
 * JavaScript the filter stays hidden and the list works as it is.
 */
(function () {
  "use strict";

  var select = document.querySelector("select[data-agenda-proposals]");
  var box = document.getElementById("proposal-filter-box");
  var input = document.getElementById("proposal-filter");
  var count = document.getElementById("proposal-filter-count");
  if (!select || !box || !input || !count) {
    return;
  }
  box.hidden = false;

  function update() {
    var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    var total = 0;
    var chosen = 0;
    Array.prototype.forEach.call(select.querySelectorAll("optgroup"), function (group) {
      var label = (group.getAttribute("label") || "").toLowerCase();
      var visible = 0;
      Array.prototype.forEach.call(group.querySelectorAll("option"), function (option) {
        var text = label + " " + option.textContent.toLowerCase();
        var match = words.every(function (word) {
          return text.indexOf(word) !== -1;
        });
        option.hidden = !match;
        total += 1;
        if (match) {
          visible += 1;
        }
        if (option.selected) {
          chosen += 1;
        }
      });
      group.hidden = visible === 0;
      shown += visible;
    });
    // "total" decides the plural: "1 of 1 proposal shown", "2 of 31 proposals shown".
    count.textContent = interpolate(
      ngettext(
        "%(shown)s of %(total)s proposal shown; %(chosen)s chosen.",
        "%(shown)s of %(total)s proposals shown; %(chosen)s chosen.",
        total
      ),
      { shown: shown, total: total, chosen: chosen },
      true
    );
  }

  input.addEventListener("input", update);
  select.addEventListener("change", update);
  update();
})();
