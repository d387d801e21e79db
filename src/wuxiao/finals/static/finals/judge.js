/* The judge's phone (issue 11 items 4 and 7): the presenter, the countdown by the server's clock, the score
 * form once scoring opens, and the state of the score: 待发送 (kept in this phone's outbox, outbox.js),
 * 已送达 (the server has it), 已锁定 (the console locked the scores). A score typed offline stays in the
 * outbox (IndexedDB) and is sent when the phone is back online; its idempotency key makes the server
 * store it once however often it arrives.
 */
(function () {
  "use strict";
  var cfg = WuxiaoLive.config("live-config"), criteria = WuxiaoLive.config("live-criteria") || [];
  var L = WuxiaoLive.labels();
  var $ = function (id) { return document.getElementById(id); };
  var form = $("score-form"), stateBox = $("score-state"), badge = $("score-badge"), summary = $("score-summary"),
      message = $("score-message"), discard = $("score-discard"), net = $("live-net");
  var group = "roadshow-" + cfg.session;
  var current = null, serverMs = 0, poller = null, formSlot = null;
  var outboxItems = {};  // slot id → the outbox item of this judge's score (pending or refused)

  function setText(id, text) { var el = $(id); if (el.textContent !== text) el.textContent = text; }

  function refreshOutbox() {
    if (!window.WuxiaoOutbox) return Promise.resolve();
    return WuxiaoOutbox.list(group).then(function (items) {
      outboxItems = {};
      items.forEach(function (item) { outboxItems[item.slot] = item; });
      render();
    });
  }

  function total() {
    var sum = 0;
    criteria.forEach(function (c) {
      var v = parseFloat(form.elements["c" + c.id].value.replace("，", "."));
      if (!isNaN(v)) sum += v;
    });
    return sum;
  }

  function check() {
    var ok = true, items = {};
    criteria.forEach(function (c) {
      var input = form.elements["c" + c.id], err = form.querySelector('[data-error-for="c' + c.id + '"]');
      var raw = input.value.trim().replace("，", "."), v = Number(raw);
      var bad = raw === "" || isNaN(v) || v < 0 || v > c.max_points || Math.round(v * 2) !== v * 2;
      err.textContent = bad ? L.incomplete : "";
      input.setAttribute("aria-invalid", bad ? "true" : "false");
      if (bad) ok = false; else items[c.id] = raw;
    });
    return ok ? items : null;
  }

  function showState(kind, text, extra) {
    stateBox.hidden = false;
    badge.textContent = L[kind] || kind;
    badge.className = "live-badge live-badge-" + kind;
    summary.textContent = text || "";
    message.textContent = extra || "";
    discard.hidden = kind !== "refused";
  }

  function render() {
    var slot = current && current.slot;
    if (!slot) {
      setText("live-phase", L.waiting); setText("live-title", ""); setText("live-unit", ""); setText("live-clock", "");
      form.hidden = true; stateBox.hidden = true; return;
    }
    setText("live-phase", slot.phase_label);
    setText("live-title", slot.title);
    setText("live-unit", slot.unit);
    var mine = slot.my_score, pending = outboxItems[slot.id];
    if (mine) {
      form.hidden = true;
      showState(mine.state === "locked" ? "locked" : "received", L.total + "：" + mine.total);
      if (pending && pending.key === mine.key && window.WuxiaoOutbox) WuxiaoOutbox.discard(pending.key);
    } else if (pending) {
      form.hidden = true;
      var sum = Object.keys(pending.body.items).reduce(function (a, k) { return a + Number(pending.body.items[k]); }, 0);
      showState(pending.state === "refused" ? "refused" : "pending", L.total + "：" + sum, pending.message || "");
    } else if (slot.scoring_open) {
      stateBox.hidden = true;
      if (formSlot !== slot.id) { form.reset(); formSlot = slot.id; $("score-total").textContent = "0"; }
      form.hidden = false;
    } else {
      form.hidden = true; stateBox.hidden = true;
    }
    tickClock();
  }

  function tickClock() {
    var slot = current && current.slot;
    var c = slot && WuxiaoLive.clock(slot.clock, serverMs, poller ? poller.now() : Date.now());
    var el = $("live-clock");
    el.textContent = c ? c.text : "";
    el.classList.toggle("overtime", !!(c && c.overtime));
    el.classList.toggle("paused", !!(slot && slot.clock && slot.clock.kind && !slot.clock.running));
  }

  form.addEventListener("input", function () { $("score-total").textContent = String(total()); });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var slot = current && current.slot, items = check();
    if (!slot || !items) return;
    var key = WuxiaoOutbox.newKey();
    var item = {key: key, url: cfg.score_url.replace("{slot}", slot.id), group: group, slot: slot.id,
                label: slot.title, body: {items: items, typed_at: new Date(poller.now()).toISOString()}};
    outboxItems[slot.id] = Object.assign({state: "pending"}, item);
    render();
    WuxiaoOutbox.put(item).then(refreshOutbox);
  });
  discard.addEventListener("click", function () {
    var slot = current && current.slot, item = slot && outboxItems[slot.id];
    if (!item) return;
    WuxiaoOutbox.discard(item.key).then(function () { formSlot = null; return refreshOutbox(); });
  });

  if (window.WuxiaoOutbox) {
    WuxiaoOutbox.subscribe(function (event) {
      if (!event.item || event.item.group !== group) return;
      if (event.type === "sent" && current && current.slot && event.response && event.response.slot_id === current.slot.id) {
        current.slot.my_score = {state: event.response.state === "locked" ? "locked" : "received",
                                 total: Number(event.response.total).toFixed(2), key: event.item.key};
        poller && poller.refresh();
      }
      refreshOutbox();
    });
  }

  function status(ok) {
    net.textContent = ok ? net.getAttribute("data-online") : net.getAttribute("data-offline");
    net.classList.toggle("offline", !ok);
  }
  window.addEventListener("offline", function () { status(false); });

  poller = WuxiaoLive.poll({url: cfg.state_url, interval: cfg.poll_ms, onStatus: status, onState: function (state) {
    current = state; serverMs = state.server_now_ms; render();
  }});
  refreshOutbox();
  setInterval(tickClock, 200);
})();
