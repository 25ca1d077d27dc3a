// The workspace's only script: "select all" for bulk triage. No inline script anywhere (the CSP forbids it).
document.addEventListener("DOMContentLoaded", function () {
  var all = document.getElementById("select-all");
  if (!all) return;
  all.addEventListener("change", function () {
    document.querySelectorAll('#bulk input[name="ids"]').forEach(function (box) { box.checked = all.checked; });
  });
});
