// Attachment uploads with a real progress bar (XMLHttpRequest upload events). Without JavaScript the
// forms post normally. Labels come from data- attributes: no user-facing text lives here.
(function () {
  "use strict";
  if (window.wuxiaoAttachmentUploads) return;  // the panel may be included (and this file loaded) twice
  window.wuxiaoAttachmentUploads = true;

  function setStatus(form, text, isError) {
    var status = form.querySelector(".upload-status");
    if (!status) return;
    status.textContent = text || "";
    status.classList.toggle("errorlist", !!isError);
  }

  function replacePanel(panel, html) {
    var holder = document.createElement("template");
    holder.innerHTML = html;
    var fresh = holder.content.querySelector("[data-attachments-panel]");
    if (!panel || !fresh) return false;
    panel.replaceWith(fresh);
    if (window.htmx) window.htmx.process(fresh);
    var focus = fresh.querySelector(".errorlist, .attachment-notice");
    if (focus && focus.scrollIntoView) focus.scrollIntoView({block: "nearest"});
    return true;
  }

  function reset(form, progress, button) {
    progress.classList.add("hidden");
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("form[data-upload]") || !window.FormData) return;
    var input = form.querySelector("input[type=file]");
    var file = input && input.files && input.files[0];
    if (!file) return;  // the browser (required) or the server says what is missing
    event.preventDefault();
    var max = Number(form.dataset.maxBytes || 0);
    if (max && file.size > max) {
      setStatus(form, form.dataset.labelTooBig, true);
      return;
    }
    var progress = form.querySelector("progress");
    var button = form.querySelector("button[type=submit]");
    var panel = form.closest("[data-attachments-panel]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.setRequestHeader("X-Requested-With", "XMLHttpRequest");
    xhr.upload.addEventListener("progress", function (e) {
      if (!e.lengthComputable) return;
      progress.max = e.total;
      progress.value = e.loaded;
      var percent = Math.floor(e.loaded * 100 / e.total);
      setStatus(form, (percent < 100 ? form.dataset.labelUploading : form.dataset.labelChecking) + " " + percent + "%");
    });
    xhr.addEventListener("load", function () {
      var type = xhr.getResponseHeader("Content-Type") || "";
      var sameUrl = !xhr.responseURL || xhr.responseURL.split("?")[0] === form.action.split("?")[0];
      if ((xhr.status === 200 || xhr.status === 400) && sameUrl && type.indexOf("text/html") === 0 &&
          replacePanel(panel, xhr.responseText)) return;
      reset(form, progress, button);
      setStatus(form, sameUrl && xhr.status !== 403 ? form.dataset.labelFailed : form.dataset.labelExpired, true);
    });
    xhr.addEventListener("error", function () {
      reset(form, progress, button);
      setStatus(form, form.dataset.labelFailed, true);
    });
    progress.value = 0;
    progress.classList.remove("hidden");
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
    setStatus(form, form.dataset.labelUploading + " 0%");
    xhr.send(new FormData(form));
  });
})();
