// Site behaviour. No inline scripts: the Content-Security-Policy allows only files.
(function () {
  "use strict";

  // Live countdown to a deadline: <span data-countdown="ISO-8601" data-label-day="天" ...>.
  function pad(n) { return String(n).padStart(2, "0"); }
  function tick(el) {
    var end = Date.parse(el.dataset.countdown);
    var left = Math.max(0, Math.floor((end - Date.now()) / 1000));
    if (left === 0) {
      el.textContent = el.dataset.labelClosed || "";
      el.classList.add("closed");
      return false;
    }
    var d = Math.floor(left / 86400), h = Math.floor(left % 86400 / 3600),
        m = Math.floor(left % 3600 / 60), s = left % 60;
    el.textContent = d + (el.dataset.labelDay || "d") + " " + pad(h) + (el.dataset.labelHour || "h") + " " +
      pad(m) + (el.dataset.labelMinute || "m") + " " + pad(s) + (el.dataset.labelSecond || "s");
    return true;
  }
  function startCountdowns(root) {
    (root || document).querySelectorAll("[data-countdown]").forEach(function (el) {
      if (el.dataset.countdownStarted) return;
      el.dataset.countdownStarted = "1";
      if (tick(el)) {
        var timer = setInterval(function () { if (!tick(el)) clearInterval(timer); }, 1000);
      }
    });
  }

  // Confirm before a destructive action: <button data-confirm="...">.
  document.addEventListener("click", function (event) {
    var el = event.target.closest("[data-confirm]");
    if (el && !window.confirm(el.dataset.confirm)) event.preventDefault();
  });

  document.addEventListener("DOMContentLoaded", function () { startCountdowns(document); });
  document.addEventListener("htmx:load", function (event) { startCountdowns(event.target); });
})();
