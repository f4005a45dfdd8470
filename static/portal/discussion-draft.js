// The comment being written in a discussion stays in this browser (localStorage) until
// the server confirms it was posted: a lost connection or a refused post loses nothing.
(function () {
  "use strict";
  var form = document.querySelector("form[data-draft-key]");
  if (!form) return;
  var box = form.querySelector("textarea");
  var key = "portal-draft-" + form.getAttribute("data-draft-key");
  var store;
  try {
    store = window.localStorage;
  } catch (error) {
    return;
  }
  if (form.hasAttribute("data-draft-posted")) {
    store.removeItem(key);
  }
  var kept = store.getItem(key);
  if (kept && !box.value.trim()) {
    box.value = kept;
    var note = document.getElementById("draft-restored");
    if (note) note.hidden = false;
  }
  box.addEventListener("input", function () {
    if (box.value.trim()) store.setItem(key, box.value);
    else store.removeItem(key);
  });
})();
