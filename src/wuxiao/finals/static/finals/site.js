/* The visiting expert's phone page (issue 11 item 9, R9): the site rubric's score and the camera's photos go
 * through the outbox (outbox.js), so that what is submitted offline is kept on the phone and sent once the
 * phone is back online; the server stores each once by its idempotency key. States: 待发送 / 已送达 / 已锁定. */
(function () {
  "use strict";
  var form = document.querySelector("[data-site-score]");
  if (!form || !window.WuxiaoOutbox) return;
  var box = window.WuxiaoOutbox;
  var urls = JSON.parse(document.getElementById("site-urls").textContent);
  var state = JSON.parse(document.getElementById("site-state").textContent);
  var group = "site-" + form.getAttribute("data-visit");
  var stateLine = document.querySelector("[data-site-state]");
  var photoList = document.querySelector("[data-site-photos]");
  var camera = document.querySelector("[data-site-camera]");
  var inputs = Array.prototype.slice.call(form.querySelectorAll("input[data-criterion]"));
  var comment = form.querySelector("textarea[name=comment]");
  var totalOut = form.querySelector("[data-total]");
  var submit = form.querySelector("[data-submit]");
  var scoreKey = null;

  function word(name) {
    var t = document.getElementById("site-words");
    var el = t && t.content.querySelector('[data-w="' + name + '"]');
    return el ? el.textContent : name;
  }

  function showState(name, message) {
    stateLine.setAttribute("data-state", name);
    stateLine.textContent = word("score") + "：" + word(name) + (message ? "（" + message + "）" : "");
    if (name === "locked" && camera) camera.disabled = true;  // the server refuses photos after the lock
  }

  function total() {
    var sum = 0, all = true;
    inputs.forEach(function (i) { var v = parseFloat(i.value); if (isNaN(v)) all = false; else sum += v; });
    totalOut.textContent = all && inputs.length ? (Math.round(sum * 100) / 100).toString() : "—";
  }

  function lockForm(values) {
    inputs.forEach(function (i) {
      if (values && values.items && values.items[i.getAttribute("data-criterion")] != null) i.value = values.items[i.getAttribute("data-criterion")];
      i.disabled = true;
    });
    if (values && values.comment != null) comment.value = values.comment;
    comment.disabled = true;
    submit.disabled = true;
    total();
  }

  function clearErrors() {
    Array.prototype.forEach.call(form.querySelectorAll("[data-error-for]"), function (e) { e.hidden = true; e.textContent = ""; });
  }

  function showError(field, message) {
    var el = form.querySelector('[data-error-for="' + field + '"]') || form.querySelector('[data-error-for="form"]');
    el.textContent = message; el.hidden = false;
  }

  function photoItem(key, label) {
    var li = photoList.querySelector('[data-key="' + key + '"]');
    if (!li) {
      li = document.createElement("li");
      li.setAttribute("data-key", key);
      li.appendChild(document.createTextNode(label + " — "));
      li.appendChild(document.createElement("span"));
      photoList.appendChild(li);
    }
    return li;
  }

  function setPhoto(item, name, message) {
    var li = photoItem(item.key, item.label);
    li.setAttribute("data-photo-state", name);
    li.querySelector("span").textContent = word(name) + (message ? "（" + message + "）" : "");
    if (name === "refused" && !li.querySelector("button")) {
      var b = document.createElement("button");
      b.type = "button"; b.className = "secondary outline"; b.textContent = word("discard");
      b.addEventListener("click", function () { box.discard(item.key).then(function () { li.remove(); }); });
      li.appendChild(b);
    }
  }

  inputs.forEach(function (i) { i.addEventListener("input", total); });
  total();

  if (state.stored) { lockForm(state); showState(state.locked ? "locked" : "sent"); }
  else if (state.locked) { lockForm(null); showState("locked"); }

  box.list(group).then(function (items) {
    items.forEach(function (item) {
      if (item.label === "score") {
        if (state.stored) return;
        scoreKey = item.key;
        lockForm(item.body);
        if (item.state === "refused") { showState("refused", item.message); submit.disabled = false; enable(); }
        else showState("pending");
      } else {
        setPhoto(item, item.state === "refused" ? "refused" : "pending", item.message);
      }
    });
  });

  function enable() {
    inputs.forEach(function (i) { i.disabled = false; });
    comment.disabled = false; submit.disabled = false;
  }

  box.subscribe(function (event) {
    var item = event.item;
    if (item.group !== group) return;
    if (item.label === "score") {
      if (event.type === "sent") { state.stored = true; showState(event.response && event.response.locked ? "locked" : "sent"); }
      else if (event.type === "refused") {
        showState("refused", item.message);
        box.discard(item.key); scoreKey = null; enable();
        if (event.response && event.response.field) showError(event.response.field, item.message);
      } else if (event.type === "stored" || event.type === "failed") {
        if (!state.stored) showState("pending", navigator.onLine === false ? word("offline") : "");
      }
    } else {
      if (event.type === "sent") setPhoto(item, "sent");
      else if (event.type === "refused") setPhoto(item, "refused", item.message);
      else setPhoto(item, "pending");
    }
  });

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    clearErrors();
    var items = {}, ok = true;
    inputs.forEach(function (i) {
      var v = i.value.trim(), max = parseFloat(i.getAttribute("data-max")), n = parseFloat(v);
      if (v === "" || isNaN(n) || n < 0 || n > max) { ok = false; showError(i.name, word("range")); }
      items[i.getAttribute("data-criterion")] = v;
    });
    if (!ok) return;
    scoreKey = scoreKey || box.newKey();
    var body = {items: items, comment: comment.value, typed_at: new Date().toISOString()};
    lockForm(null);
    showState("pending");
    box.put({key: scoreKey, url: urls.score, body: body, label: "score", group: group});
  });

  if (camera) camera.addEventListener("change", function () {
    Array.prototype.forEach.call(camera.files || [], function (file) {
      var item = {key: box.newKey(), url: urls.photo, body: {caption: ""}, files: {photo: file}, label: file.name || "photo.jpg", group: group};
      setPhoto(item, "pending");
      box.put(item);
    });
    camera.value = "";
  });

  // Once delivered, ask now and then whether the office has locked the scores (已锁定).
  setInterval(function () {
    if (!state.stored || state.locked || document.hidden) return;
    fetch(urls.state, {credentials: "same-origin", headers: {"Accept": "application/json"}}).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data && data.locked) { state.locked = true; showState("locked"); } }).catch(function () {});
  }, 15000);
})();
