/* The console (issue 11 item 5): the big clock, the buttons allowed in the current phase, who has scored,
 * the running order. Buttons post with Accept: application/json and take the new state from the answer;
 * between clicks the page polls the state (WuxiaoLive, ~400 ms). A refusal is shown above the buttons.
 */
(function () {
  "use strict";
  var cfg = WuxiaoLive.config("live-config"), L = WuxiaoLive.labels();
  var $ = function (id) { return document.getElementById(id); };
  var current = null, serverMs = 0, poller = null;
  var error = $("console-error");

  // The buttons each phase allows; the services refuse the others anyway.
  var ALLOWED = {
    none: ["next"],
    waiting: ["start", "next"],
    presenting: ["pause", "resume", "end"],
    qa: ["pause", "resume", "end_qa", "open"],
    scoring: ["lock"],
    locked: ["reveal"],
    revealed: ["next"]
  };

  function setText(el, text) { if (el && el.textContent !== text) el.textContent = text; }

  function render() {
    var state = current, slot = state.slot;
    var phase = slot ? slot.phase : "none";
    setText($("live-phase"), slot ? slot.phase_label : "");
    setText($("live-title"), slot ? slot.position + ". " + slot.title : L.none);
    setText($("live-unit"), slot ? slot.unit : "");
    var times = [];
    if (slot && slot.clock.presentation_seconds != null) times.push(L.presentation + " " + WuxiaoLive.fmt(slot.clock.presentation_seconds));
    if (slot && slot.clock.qa_seconds != null) times.push(L.qa + " " + WuxiaoLive.fmt(slot.clock.qa_seconds));
    setText($("live-times"), times.join(" · "));
    setText($("live-result"), slot && slot.result ? L.result + "：" + slot.result : "");
    setText($("live-scored"), slot ? "(" + slot.scored + "/" + slot.judges + ")" : "");
    var allowed = ALLOWED[phase] || [];
    Array.prototype.forEach.call(document.querySelectorAll("#live-buttons form[data-action]"), function (f) {
      var action = f.getAttribute("data-action"), on = allowed.indexOf(action) >= 0;
      if (slot && slot.clock.kind) {
        if (action === "pause" && !slot.clock.running) on = false;
        if (action === "resume" && slot.clock.running) on = false;
        if (action === "resume" && phase === "qa" && slot.clock.qa_seconds != null) on = false;
      }
      f.querySelector("button").disabled = !on;
      f.classList.toggle("live-off", !on);
      var input = f.querySelector(".live-slot-input");
      if (input) input.value = slot ? slot.id : "";
    });
    var byId = {};
    (state.judges || []).forEach(function (j) { byId[j.id] = j; });
    Array.prototype.forEach.call(document.querySelectorAll("tr[data-judge]"), function (row) {
      var j = byId[row.getAttribute("data-judge")], cell = row.querySelector("[data-scored]");
      var clear = row.querySelector("form.live-clear");
      if (!j) return;
      setText(cell, j.score ? "✓ " + j.score.total : (j.joined ? "…" : "—"));
      row.classList.toggle("live-has-scored", !!j.score);
      clear.hidden = !(j.score && phase === "scoring");
      if (j.score) clear.querySelector('input[name="score"]').value = j.score.id;
    });
    (state.order || []).forEach(function (o) {
      var row = document.querySelector('tr[data-slot="' + o.id + '"]');
      if (!row) return;
      setText(row.querySelector("[data-phase]"), o.phase_label);
      setText(row.querySelector("[data-result]"), o.result || "");
      row.classList.toggle("live-current", o.current);
      var choose = row.querySelector('form[data-action="choose"] button');
      if (choose) choose.disabled = !(o.phase === "waiting" && (phase === "none" || phase === "waiting" || phase === "revealed" || phase === "locked") && !o.current);
    });
    tickClock();
  }

  function tickClock() {
    var slot = current && current.slot, el = $("live-clock");
    var c = slot && WuxiaoLive.clock(slot.clock, serverMs, poller ? poller.now() : Date.now());
    el.textContent = c ? c.text : "";
    el.classList.toggle("overtime", !!(c && c.overtime));
    el.classList.toggle("paused", !!(slot && slot.clock.kind && !slot.clock.running));
  }

  function accept(state) { current = state; serverMs = state.server_now_ms; render(); }

  document.addEventListener("submit", function (event) {
    var f = event.target;
    if (!f.classList || !f.classList.contains("live-action") || !f.closest("#live-console")) return;
    event.preventDefault();
    var buttons = f.querySelectorAll("button");
    Array.prototype.forEach.call(buttons, function (b) { b.disabled = true; });
    fetch(f.action, {method: "POST", body: new FormData(f), credentials: "same-origin",
                     headers: {"Accept": "application/json"}})
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) { return {ok: response.ok, data: data}; });
      })
      .then(function (r) {
        if (r.ok) {
          error.hidden = true;
          if (f.querySelector('input[name="reason"]')) f.querySelector('input[name="reason"]').value = "";
          if (r.data && r.data.version != null) poller.accept(r.data);
          if (f.getAttribute("data-action") === "start_session" || f.getAttribute("data-action") === "end_session") location.reload();
        } else {
          error.textContent = (r.data && r.data.detail) || "";
          error.hidden = false;
          Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
        }
      }, function () {
        error.textContent = L.offline; error.hidden = false;
        Array.prototype.forEach.call(buttons, function (b) { b.disabled = false; });
      });
  });

  poller = WuxiaoLive.poll({url: cfg.state_url, interval: cfg.poll_ms, initial: WuxiaoLive.config("live-state"),
                            onState: accept, onStatus: function (ok) { document.body.classList.toggle("live-lost", !ok); }});
  setInterval(tickClock, 200);
})();
