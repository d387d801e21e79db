// The queues' bulk actions (screening/bulk/_form.html): "select all on this page", the count of the
// ticked entries, and only the fields the chosen action needs. Without it the form still works:
// every field is shown and the boxes are ticked one by one. No inline script (CSP).
(function () {
  "use strict";

  function picks() {
    return Array.prototype.slice.call(document.querySelectorAll('input.bulk-pick[form="bulk-form"]'));
  }

  function update() {
    var all = picks();
    var n = all.filter(function (el) { return el.checked; }).length;
    document.querySelectorAll("[data-bulk-count]").forEach(function (el) {
      el.textContent = el.dataset.template.replace("{n}", n);
    });
    document.querySelectorAll("[data-bulk-all]").forEach(function (el) {
      el.checked = all.length > 0 && n === all.length;
      el.indeterminate = n > 0 && n < all.length;
      el.disabled = all.length === 0;
    });
  }

  function showFields(form) {
    var select = form.querySelector("[name=action]");
    var action = select ? select.value : "";
    form.querySelectorAll("[data-bulk-for]").forEach(function (el) {
      var owners = el.dataset.bulkFor.split(" ");
      // A field with an error message stays in view, whatever is chosen.
      el.hidden = !el.classList.contains("field-error") && !(action && owners.indexOf(action) >= 0);
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target.matches("[data-bulk-all]")) {
      picks().forEach(function (el) { el.checked = target.checked; });
      update();
    } else if (target.matches("input.bulk-pick")) {
      update();
    } else if (target.matches("[data-bulk-form] [name=action]")) {
      showFields(target.form);
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-bulk-form]").forEach(function (form) {
      form.querySelectorAll("[data-bulk-js]").forEach(function (el) { el.hidden = false; });
      showFields(form);
    });
    update();
  });
})();
