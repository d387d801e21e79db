/* What the live roadshow's pages share (issue 11 items 4, 6, 8): polling the session's state, the phone's
 * clock offset and the countdown.
 *
 * Polling, not Server-Sent Events (views_live.py says why). Each poll sends the version it has (?v=N);
 * the server answers 204 when nothing changed. Every answer carries the server's time (X-Server-Now-Ms,
 * and server_now_ms in the state): offset = server time − the midpoint of the request's send and receive,
 * and of the last few samples the one with the shortest round trip is kept (its midpoint is the least
 * uncertain). The countdown is then computed from the server's clock, never from the phone's own time.
 *
 *   WuxiaoLive.poll({url, interval, onState(state), onStatus(ok)}) → {now(), refresh(), version()}
 *   WuxiaoLive.clock(clockData, stateServerMs, now) → {elapsed, remaining, text, overtime}
 *   WuxiaoLive.labels() → {key: text} from <template id="live-labels">
 *   WuxiaoLive.config(id) → the JSON of a json_script element
 */
(function () {
  "use strict";
  var SAMPLES = 8;

  function config(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function labels() {
    var out = {}, tpl = document.getElementById("live-labels");
    if (!tpl) return out;
    Array.prototype.forEach.call(tpl.content.querySelectorAll("[data-key]"), function (el) { out[el.getAttribute("data-key")] = el.textContent; });
    return out;
  }

  function fmt(seconds) {
    var negative = seconds < 0, s = Math.abs(seconds);
    s = negative ? Math.ceil(s) : Math.ceil(s - 0.0005);
    var m = Math.floor(s / 60), r = s % 60;
    return (negative ? "-" : "") + (m < 10 ? "0" : "") + m + ":" + (r < 10 ? "0" : "") + r;
  }

  function clock(data, serverMs, nowMs) {
    if (!data || data.kind == null) return null;
    var elapsed = data.elapsed + (data.running ? Math.max(0, (nowMs - serverMs) / 1000) : 0);
    var remaining = data.limit == null ? null : data.limit - elapsed;
    return {elapsed: elapsed, remaining: remaining, overtime: remaining != null && remaining < 0,
            text: remaining == null ? fmt(elapsed) : fmt(remaining)};
  }

  function poll(options) {
    var version = null, samples = [], offset = 0, timer = null, inflight = false;

    function sample(serverMs, sent, received) {
      if (!serverMs) return;
      samples.push({rtt: received - sent, offset: serverMs - (sent + received) / 2});
      if (samples.length > SAMPLES) samples.shift();
      var best = samples.reduce(function (a, b) { return b.rtt < a.rtt ? b : a; });
      offset = best.offset;
    }

    function now() { return Date.now() + offset; }

    function schedule() {
      clearTimeout(timer);
      timer = setTimeout(tick, options.interval);
    }

    function tick() {
      if (inflight) return schedule();
      inflight = true;
      var url = options.url + (version != null ? (options.url.indexOf("?") < 0 ? "?" : "&") + "v=" + version : "");
      var sent = Date.now();
      fetch(url, {credentials: "same-origin", cache: "no-store", headers: {"Accept": "application/json"}})
        .then(function (response) {
          var received = Date.now();
          sample(Number(response.headers.get("X-Server-Now-Ms")), sent, received);
          if (response.status === 204) { options.onStatus && options.onStatus(true); return null; }
          if (!response.ok) { options.onStatus && options.onStatus(false, response.status); return null; }
          return response.json();
        })
        .then(function (state) { if (state) accept(state); })
        .catch(function () { options.onStatus && options.onStatus(false); })
        .then(function () { inflight = false; schedule(); });
    }

    function accept(state) {
      version = state.version;
      options.onStatus && options.onStatus(true);
      options.onState(state);
    }

    if (options.initial) accept(options.initial);
    tick();
    return {now: now, version: function () { return version; }, refresh: function () { clearTimeout(timer); tick(); },
            accept: accept};
  }

  window.WuxiaoLive = {poll: poll, clock: clock, labels: labels, config: config, fmt: fmt};
})();
