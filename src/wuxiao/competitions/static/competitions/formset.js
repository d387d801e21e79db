// "Add a row" for the edition's list pages: copies the formset's empty form (a <template>).
// No text here: the button's label comes from the page.
(function () {
  "use strict";
  function setUp(form) {
    var prefix = form.dataset.formsetPrefix;
    var total = form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
    var template = form.querySelector("template.formset-empty");
    var rows = form.querySelector(".formset-rows");
    var button = form.querySelector(".formset-add");
    if (!total || !template || !rows || !button) return;
    button.classList.remove("hidden");
    button.addEventListener("click", function () {
      var index = parseInt(total.value, 10);
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var row = holder.firstElementChild;
      rows.appendChild(row);
      total.value = String(index + 1);
      var first = row.querySelector("input:not([type=hidden]), select, textarea");
      if (first) first.focus();
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-formset-prefix]").forEach(setUp);
  });
})();
