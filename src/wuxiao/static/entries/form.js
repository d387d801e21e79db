// The entry form (Attachment 2): live 字数 counters, the completers' rows, the GB/T 4754 picker,
// automatic saving and a copy on this device of what did not reach the server.
// No user-facing text here: labels and messages come from the page (data-*) or the server.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var AUTOSAVE_DELAY = 20000; // ms after the first unsaved change
  var STORE_PREFIX = "wuxiao-entry-";

  function $(sel, root) { return (root || document).querySelector(sel); }
  function $all(sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); }
  function show(el, yes) { if (el) el.classList.toggle("hidden", !yes); }

  // --- 字数 counters ------------------------------------------------------------------------
  function updateCounter(counter) {
    var input = document.getElementById(counter.dataset.ziFor);
    if (!input || !window.wuxiaoCountZi) return;
    var n = window.wuxiaoCountZi(input.value);
    counter.textContent = counter.dataset.ziTemplate.replace("{n}", String(n));
    counter.dataset.ziCount = String(n);
    if (counter.dataset.ziLimit) {
      counter.classList.toggle("zi-over", n > parseInt(counter.dataset.ziLimit, 10));
    } else if (counter.dataset.ziSoftMin) {
      var low = parseInt(counter.dataset.ziSoftMin, 10), high = parseInt(counter.dataset.ziSoftMax, 10);
      counter.classList.toggle("zi-soft", n > 0 && (n < low || n > high));
    }
  }
  function setUpCounters(form) {
    $all("[data-zi-for]", form).forEach(function (counter) {
      var input = document.getElementById(counter.dataset.ziFor);
      if (!input) return;
      input.addEventListener("input", function () { updateCounter(counter); });
      updateCounter(counter);
    });
  }

  // --- completers' rows (R18) -----------------------------------------------------------------
  function rowsBox(form) { return $("[data-completer-rows]", form); }
  function renumber(form) {
    $all("[data-completer-row]", rowsBox(form)).forEach(function (row, i) {
      var order = $("input[name$='-ORDER']", row);
      if (order) order.value = String(i + 1);
      var number = $(".completer-number", row);
      if (number) number.textContent = String(i + 1);
    });
  }
  function activateRow(row) { $all(".js-only", row).forEach(function (el) { show(el, true); }); }
  function addRow(form) {
    var total = $("input[name$='-TOTAL_FORMS']", form);
    var template = document.getElementById("completer-empty");
    var index = parseInt(total.value, 10);
    var holder = document.createElement("div");
    holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index));
    var row = holder.querySelector("[data-completer-row]");
    rowsBox(form).appendChild(row);
    total.value = String(index + 1);
    activateRow(row);
    renumber(form);
    var first = $("input:not([type=hidden]):not([type=checkbox])", row);
    if (first) first.focus();
    return row;
  }
  function setUpCompleters(form, changed) {
    var box = rowsBox(form);
    if (!box) return;
    $all("[data-completer-row]", box).forEach(activateRow);
    renumber(form);
    var add = $("[data-add-completer]", form);
    if (add) add.addEventListener("click", function (event) { event.preventDefault(); addRow(form); changed(); });
    box.addEventListener("click", function (event) {
      var button = event.target.closest("button");
      if (!button) return;
      var row = button.closest("[data-completer-row]");
      if (button.dataset.move === "up" && row.previousElementSibling) {
        box.insertBefore(row, row.previousElementSibling);
      } else if (button.dataset.move === "down" && row.nextElementSibling) {
        box.insertBefore(row.nextElementSibling, row);
      } else if (button.hasAttribute("data-remove")) {
        row.remove();
      } else {
        return;
      }
      renumber(form);
      changed();
    });
  }

  // --- industry picker (GB/T 4754, R21) -------------------------------------------------------
  function setUpIndustry(form, changed) {
    var picker = $("[data-industry-picker]", form);
    var code = $("input[data-industry-code]", form);
    var display = $("[data-industry-display]", form);
    if (!picker || !code) return;
    show(picker, true);
    var selects = $all("select[data-industry-level]", picker);
    var search = $("[data-industry-search]", picker);
    var results = $("[data-industry-results]", picker);

    function choose(value, path) {
      code.value = value;
      if (path) display.textContent = path;
      changed();
    }
    function pathOf(depth) {
      return selects.slice(0, depth + 1).map(function (s) {
        return s.options[s.selectedIndex] ? s.options[s.selectedIndex].text : "";
      }).join(" › ");
    }
    function load(depth, parent, selected) {
      var select = selects[depth];
      return fetch(form.dataset.optionsUrl + "?parent=" + encodeURIComponent(parent), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) {
          select.innerHTML = html;
          select.disabled = false;
          if (selected) select.value = selected;
        });
    }
    function clearBelow(depth) {
      selects.slice(depth + 1).forEach(function (s) { s.innerHTML = ""; s.disabled = true; });
    }
    selects.forEach(function (select, depth) {
      select.addEventListener("change", function () {
        clearBelow(depth);
        if (!select.value) { return; }
        if (depth === selects.length - 1) { choose(select.value, pathOf(depth)); return; }
        load(depth + 1, select.value, "");
      });
    });
    var timer = null;
    function runSearch() {
      var q = search.value.trim();
      if (!q) { results.innerHTML = ""; return; }
      fetch(form.dataset.searchUrl + "?q=" + encodeURIComponent(q), {credentials: "same-origin"})
        .then(function (r) { return r.ok ? r.text() : ""; })
        .then(function (html) { results.innerHTML = html; });
    }
    search.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(runSearch, 300); });
    search.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); clearTimeout(timer); runSearch(); }
    });
    results.addEventListener("click", function (event) {
      var button = event.target.closest("[data-industry-code]");
      if (!button) return;
      choose(button.dataset.industryCode, button.dataset.industryPath);
      results.innerHTML = "";
      search.value = "";
      // Open the cascade at the chosen class, level by level.
      var chain = button.dataset.industryChain.split(",");
      selects[0].value = chain[0];
      var step = Promise.resolve();
      chain.slice(1).forEach(function (c, i) {
        step = step.then(function () { return load(i + 1, chain[i], c); });
      });
    });
  }

  // --- saving: automatic, on blur, and a copy on this device ---------------------------------
  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }
  function snapshot(form) {
    var fields = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") fields.push([name, String(value)]);
    });
    var display = $("[data-industry-display]", form);
    return {fields: fields, path: display ? display.textContent : ""};
  }
  function restore(form, copy) {
    var values = {};
    copy.fields.forEach(function (pair) { (values[pair[0]] = values[pair[0]] || []).push(pair[1]); });
    var total = $("input[name$='-TOTAL_FORMS']", form);
    // Recreate the completers' rows the copy had, then fill every field.
    var rows = $all("[data-completer-row]", rowsBox(form));
    rows.forEach(function (row) { row.remove(); });
    total.value = "0";
    var wanted = parseInt((values[total.name] || ["0"])[0], 10);
    for (var i = 0; i < wanted; i++) addRow(form);
    $all("[data-completer-row]", rowsBox(form)).forEach(function (row, i) {
      var prefix = total.name.replace("TOTAL_FORMS", "") + i + "-";
      if (!Object.keys(values).some(function (n) { return n.indexOf(prefix) === 0; })) row.remove();
    });
    $all("input, textarea, select", form).forEach(function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(el.name)) return;
      var given = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!given && given.indexOf(el.value) !== -1;
      } else if (given) {
        el.value = given[0];
      }
    });
    var display = $("[data-industry-display]", form);
    if (display && copy.path) display.textContent = copy.path;
    $all("[data-zi-for]", form).forEach(updateCounter);
  }

  function setUpSaving(form) {
    var key = STORE_PREFIX + form.dataset.entryId;
    var status = $("[data-autosave-status]");
    var loginLink = $("[data-login-link]");
    var dirty = false, timer = null, inFlight = false, again = false, submitting = false, edits = 0;

    function store(pending) {
      try {
        var copy = snapshot(form);
        copy.version = form.dataset.version;
        copy.pending = !!pending;
        localStorage.setItem(key, JSON.stringify(copy));
      } catch (e) { /* private mode or full storage: the server copy still counts */ }
    }
    function forget() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }
    function say(text, kind) {
      if (!status) return;
      status.textContent = text;
      status.className = "autosave-status" + (kind ? " autosave-" + kind : "");
    }
    function showErrors(errors) {
      $all("[data-errors-for]", form).forEach(function (list) {
        var messages = errors[list.dataset.errorsFor] || [];
        list.innerHTML = "";
        messages.forEach(function (m) { var li = document.createElement("li"); li.textContent = m; list.appendChild(li); });
        var box = list.closest(".field");
        if (box) box.classList.toggle("field-error", messages.length > 0);
      });
    }
    function save() {
      clearTimeout(timer);
      timer = null;
      if (!dirty || submitting) return;
      if (inFlight) { again = true; return; }
      inFlight = true;
      var seq = edits;
      say(form.dataset.msgSaving, "");
      var body = new FormData(form);
      fetch(form.dataset.autosaveUrl, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-CSRFToken": cookie(form.dataset.csrfCookie) || body.get("csrfmiddlewaretoken"),
                  "X-Requested-With": "fetch", "Accept": "application/json"}
      }).then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return {status: response.status, data: data};
        });
      }).then(function (result) {
        var data = result.data || {};
        if (result.status === 200 && data.ok) {
          form.dataset.version = data.version;
          if (seq === edits) { dirty = false; forget(); } else { store(false); }
          show(loginLink, false);
          say(data.message, "saved");
          showErrors(data.errors || {});
        } else if (result.status === 401 || result.status === 403) {
          // Session expired (or the CSRF cookie changed): keep everything typed, on the page and here.
          store(false);
          say(data.message || form.dataset.msgExpired, "error");
          show(loginLink, true);
        } else {
          store(false);
          say(data.message || form.dataset.msgFailed, "error");
        }
      }).catch(function () {
        store(false);
        say(form.dataset.msgFailed, "error");
      }).then(function () {
        inFlight = false;
        if (again) { again = false; save(); }
      });
    }
    function changed() {
      dirty = true;
      edits += 1;
      store(false);
      if (!timer) timer = setTimeout(save, AUTOSAVE_DELAY);
      if (status && !status.classList.contains("autosave-error")) say(form.dataset.msgUnsaved, "dirty");
    }

    form.addEventListener("input", function (event) { if (event.target.name) changed(); });
    form.addEventListener("change", function (event) { if (event.target.name) changed(); });
    form.addEventListener("focusout", function (event) {
      // Moving to "save" or "submit" sends the whole form anyway: an autosave now would race it.
      var next = event.relatedTarget;
      if (next && next.closest && next.closest("[data-submit-entry], [data-save-draft]")) return;
      if (dirty) save();
    });
    // Enter in a one-line field must not send the form (its first button adds a completer).
    form.addEventListener("keydown", function (event) {
      if (event.key === "Enter" && event.target.tagName === "INPUT" && event.target.type !== "submit") {
        event.preventDefault();
      }
    });
    form.addEventListener("submit", function (event) {
      if (submitting) { event.preventDefault(); return; } // a double click sends the form once
      submitting = true;
      clearTimeout(timer);
      renumber(form);
      // The login may have changed in another window: send the current CSRF cookie.
      var token = cookie(form.dataset.csrfCookie);
      var hidden = $("input[name=csrfmiddlewaretoken]", form);
      if (token && hidden) hidden.value = token;
      store(true);
    });
    window.addEventListener("pageshow", function (event) { if (event.persisted) submitting = false; });

    // A copy left by an earlier visit: dropped if the server has a newer version, otherwise offered.
    var banner = document.getElementById("restore-banner");
    var copy = null;
    try { copy = JSON.parse(localStorage.getItem(key) || "null"); } catch (e) { copy = null; }
    if (copy && copy.version !== form.dataset.version) {
      forget();
    } else if (copy && banner) {
      show(banner, true);
      $("[data-restore]", banner).addEventListener("click", function () {
        restore(form, copy);
        show(banner, false);
        changed();
        save();
      });
      $("[data-discard]", banner).addEventListener("click", function () { forget(); show(banner, false); });
    }
    return changed;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("entry-form");
    if (!form) return;
    var changed = setUpSaving(form);
    setUpCounters(form);
    setUpCompleters(form, changed);
    setUpIndustry(form, changed);
  });
})();
