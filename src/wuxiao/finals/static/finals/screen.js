/* The big screen (issue 11 item 6): presenter, title, unit, the clock; after the reveal the judges' scores
 * anonymised (评委1…n) with the highest and lowest struck out, and the result; optionally the running
 * ranking. Polls the state by the session's screen link (~400 ms).
 */
(function () {
  "use strict";
  var cfg = WuxiaoLive.config("live-config"), L = WuxiaoLive.labels();
  var $ = function (id) { return document.getElementById(id); };
  var current = null, serverMs = 0, poller = null, shownScores = null, shownRanking = null;

  function setText(id, text) { var el = $(id); if (el.textContent !== text) el.textContent = text; }

  function render() {
    var slot = current.slot;
    setText("live-phase", slot ? slot.phase_label : "");
    setText("live-position", slot ? L.position.replace("{n}", slot.position) : "");
    setText("live-title", slot ? slot.title : L.none);
    setText("live-unit", slot ? slot.unit : "");
    var scoring = slot && (slot.phase === "scoring" || slot.phase === "locked");
    setText("live-progress", scoring ? L.progress.replace("{n}", slot.scored + "/" + slot.judges) : "");
    var scores = slot && slot.scores;
    $("live-scores").hidden = !scores;
    var key = scores ? JSON.stringify(scores) + slot.result : null;
    if (key !== shownScores) {
      shownScores = key;
      var list = $("live-score-list");
      list.textContent = "";
      (scores || []).forEach(function (s) {
        var li = document.createElement("li");
        li.className = "screen-score" + (s.struck ? " struck struck-" + s.struck : "");
        var label = document.createElement("span"); label.className = "screen-score-label"; label.textContent = s.label;
        var value = document.createElement(s.struck ? "s" : "strong"); value.className = "screen-score-value"; value.textContent = s.total;
        if (s.struck) value.setAttribute("title", L.struck);
        li.appendChild(label); li.appendChild(value); list.appendChild(li);
      });
      setText("live-result", slot && slot.result ? slot.result : "");
    }
    var ranking = current.ranking;
    $("live-ranking").hidden = !(ranking && ranking.length);
    var rkey = JSON.stringify(ranking || []);
    if (rkey !== shownRanking) {
      shownRanking = rkey;
      var ol = $("live-ranking-list"); ol.textContent = "";
      (ranking || []).forEach(function (r) {
        var li = document.createElement("li");
        li.textContent = r.rank + ". " + r.title + "（" + r.unit + "） " + r.result;
        ol.appendChild(li);
      });
    }
    tickClock();
  }

  function tickClock() {
    var slot = current && current.slot, el = $("live-clock");
    var c = slot && WuxiaoLive.clock(slot.clock, serverMs, poller ? poller.now() : Date.now());
    el.textContent = c ? c.text : "";
    el.classList.toggle("overtime", !!(c && c.overtime));
    el.classList.toggle("paused", !!(slot && slot.clock.kind && !slot.clock.running));
  }

  poller = WuxiaoLive.poll({url: cfg.state_url, interval: cfg.poll_ms, initial: WuxiaoLive.config("live-state"),
                            onState: function (state) { current = state; serverMs = state.server_now_ms; render(); }});
  setInterval(tickClock, 200);
})();
