/* The phone's outbox (issue 11 items 7 and 9): a score or a photo is kept in the page's IndexedDB
 * from the moment it is submitted until the server confirms it, and sent again whenever the phone is
 * back online. Each item carries its idempotency key, so the server stores it once however often it
 * arrives. No service worker (WeChat's in-app browser on iOS has none): the page itself retries.
 *
 *   WuxiaoOutbox.put({key, url, body, files, label, group})  → Promise (stored; sending starts)
 *   WuxiaoOutbox.list(group)                                 → Promise<[item]>
 *   WuxiaoOutbox.discard(key)                                → Promise
 *   WuxiaoOutbox.flush()                                     → Promise (one pass over the pending items)
 *   WuxiaoOutbox.subscribe(fn)   fn({type: "stored"|"sent"|"refused"|"failed", item, response})
 *   WuxiaoOutbox.newKey()                                    → a random UUID
 *
 * An item is {key, url, body: plain object, files: {name: Blob} (optional), label, group, state,
 * message, created}. `state`: "pending" (待发送), "refused" (kept with the server's message until the
 * person discards it). A sent item is removed and reported as "sent" with the server's JSON answer.
 * Sent as JSON, or as multipart/form-data (body fields + files) when it has files; the CSRF token is
 * read from the page (the body's hx-headers) or the csrftoken cookie; the key also goes in the
 * Idempotency-Key header.
 */
(function () {
  "use strict";
  var DB_NAME = "wuxiao-outbox", STORE = "items", RETRY_MS = 4000;
  var listeners = [], flushing = null, again = false, memory = {}, dbPromise = null;

  function newKey() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    var b = new Uint8Array(16);
    (window.crypto || window.msCrypto).getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40; b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }

  function openDb() {
    if (dbPromise) return dbPromise;
    dbPromise = new Promise(function (resolve) {
      if (!window.indexedDB) return resolve(null);
      try {
        var request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = function () { request.result.createObjectStore(STORE, {keyPath: "key"}); };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { resolve(null); };  // private mode: keep items in memory and localStorage
      } catch (e) { resolve(null); }
    });
    return dbPromise;
  }

  function tx(mode, work) {
    return openDb().then(function (db) {
      if (!db) return work(null);
      return new Promise(function (resolve, reject) {
        var t = db.transaction(STORE, mode), store = t.objectStore(STORE), result;
        Promise.resolve(work(store)).then(function (r) { result = r; });
        t.oncomplete = function () { resolve(result); };
        t.onerror = function () { reject(t.error); };
      });
    });
  }

  function req(r) { return new Promise(function (resolve, reject) { r.onsuccess = function () { resolve(r.result); }; r.onerror = function () { reject(r.error); }; }); }

  // Without IndexedDB: memory plus localStorage for items without files.
  function fallbackSave() {
    try {
      var plain = {};
      Object.keys(memory).forEach(function (k) { if (!memory[k].files) plain[k] = memory[k]; });
      localStorage.setItem(DB_NAME, JSON.stringify(plain));
    } catch (e) { /* storage full or blocked: memory only */ }
  }
  try { memory = JSON.parse(localStorage.getItem(DB_NAME) || "{}") || {}; } catch (e) { memory = {}; }

  function save(item) {
    return tx("readwrite", function (store) {
      if (!store) { memory[item.key] = item; fallbackSave(); return item; }
      store.put(item);
      return item;
    });
  }

  function remove(key) {
    return tx("readwrite", function (store) {
      if (!store) { delete memory[key]; fallbackSave(); return; }
      store.delete(key);
    });
  }

  function list(group) {
    return tx("readonly", function (store) {
      if (!store) return Object.keys(memory).map(function (k) { return memory[k]; });
      return req(store.getAll());
    }).then(function (items) {
      items = (items || []).filter(function (i) { return !group || i.group === group; });
      items.sort(function (a, b) { return (a.created || 0) - (b.created || 0); });
      return items;
    });
  }

  function emit(type, item, response) {
    listeners.forEach(function (fn) { try { fn({type: type, item: item, response: response}); } catch (e) { /* a listener's bug */ } });
  }

  function csrfToken() {
    var headers = document.body && document.body.getAttribute("hx-headers");
    if (headers) { try { var t = JSON.parse(headers)["X-CSRFToken"]; if (t) return t; } catch (e) { /* fall through */ } }
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return m ? decodeURIComponent(m[1]) : "";
  }

  function send(item) {
    var options = {method: "POST", credentials: "same-origin", headers: {"X-CSRFToken": csrfToken(), "Idempotency-Key": item.key, "Accept": "application/json"}};
    if (item.files && Object.keys(item.files).length) {
      var form = new FormData();
      Object.keys(item.body || {}).forEach(function (k) { form.append(k, item.body[k] == null ? "" : item.body[k]); });
      Object.keys(item.files).forEach(function (k) { var f = item.files[k]; form.append(k, f, f.name || (k + ".jpg")); });
      form.append("idempotency_key", item.key);
      options.body = form;
    } else {
      options.headers["Content-Type"] = "application/json";
      var body = Object.assign({}, item.body || {}, {idempotency_key: item.key});
      options.body = JSON.stringify(body);
    }
    return fetch(item.url, options).then(function (response) {
      return response.text().then(function (text) {
        var data = null;
        try { data = text ? JSON.parse(text) : null; } catch (e) { data = null; }
        if (response.ok) {
          return remove(item.key).then(function () { emit("sent", item, data); return "sent"; });
        }
        if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
          // Refused for good (scoring closed, out of range, not your session): keep it with the reason.
          item.state = "refused";
          item.message = (data && (data.message || data.detail)) || response.statusText || String(response.status);
          if (Array.isArray(item.message)) item.message = item.message.map(function (m) { return m.msg || m; }).join("；");
          return save(item).then(function () { emit("refused", item, data); return "refused"; });
        }
        emit("failed", item, data);
        return "failed";
      });
    }, function () { emit("failed", item, null); return "failed"; });
  }

  function flush() {
    // An item stored while a pass is under way was not in that pass's list: one more pass follows at once
    // (it would otherwise wait for the next tick, RETRY_MS later).
    if (flushing) { again = true; return flushing; }
    flushing = list().then(function (items) {
      var pending = items.filter(function (i) { return i.state !== "refused"; });
      return pending.reduce(function (chain, item) { return chain.then(function () { return send(item); }); }, Promise.resolve());
    }).catch(function () { /* try again at the next tick */ }).then(function () {
      flushing = null;
      if (again) { again = false; return flush(); }
    });
    return flushing;
  }

  function put(item) {
    item = Object.assign({state: "pending", message: "", created: Date.now()}, item);
    if (!item.key) item.key = newKey();
    return save(item).then(function () { emit("stored", item); flush(); return item; });
  }

  window.addEventListener("online", flush);
  document.addEventListener("visibilitychange", function () { if (!document.hidden) flush(); });
  setInterval(flush, RETRY_MS);

  window.WuxiaoOutbox = {
    put: put, list: list, flush: flush, newKey: newKey,
    discard: function (key) { return remove(key); },
    subscribe: function (fn) { listeners.push(fn); return function () { listeners = listeners.filter(function (f) { return f !== fn; }); }; },
  };
  setTimeout(flush, 0);
})();
