// The workspace's only script (no inline script anywhere: the CSP forbids it).
document.addEventListener("DOMContentLoaded", function () {
  // "select all" for bulk triage
  var all = document.getElementById("select-all");
  if (all) {
    all.addEventListener("change", function () {
      document.querySelectorAll('#bulk input[name="ids"]').forEach(function (box) { box.checked = all.checked; });
    });
  }
  // The inbox shows its results at once and its filters without counts; the counts (which
  // read every match) come from /filters and replace them, unless the user has already
  // changed a filter.
  var filters = document.querySelector("aside[data-counts-url]");
  if (filters) {
    var touched = false;
    filters.addEventListener("change", function () { touched = true; });
    var done = function () {
      filters.removeAttribute("aria-busy");
      var note = document.getElementById("counting");
      if (note) note.remove();
    };
    fetch(filters.getAttribute("data-counts-url"), { credentials: "same-origin", headers: { Accept: "text/html" } })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) {
        if (!touched) filters.innerHTML = html;
        done();
        filters.setAttribute("data-counted", "true");
      })
      .catch(done);
  }
});
