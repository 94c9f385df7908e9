// duban behaviours, attached by data- attributes. No inline handlers anywhere.
(function () {
  "use strict";
  // htmx requests carry Django's CSRF token from the page's meta tag.
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) event.detail.headers["X-CSRFToken"] = meta.content;
  });
  // <form data-confirm="…"> asks before submitting.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.dataset && form.dataset.confirm && !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  }, true);
  // <code data-copy> selects its text on click, ready to copy.
  document.addEventListener("click", function (event) {
    var el = event.target.closest && event.target.closest("[data-copy]");
    if (!el) return;
    var range = document.createRange();
    range.selectNodeContents(el);
    var sel = window.getSelection();
    sel.removeAllRanges();
    sel.addRange(range);
  });
})();

(function () {
  "use strict";
  // <select data-autosubmit> submits its form when changed.
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select[data-autosubmit]")) event.target.form.submit();
  });
  // <form data-compare-form>: the select's value is the page to open.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-compare-form]")) return;
    event.preventDefault();
    window.location.href = form.querySelector("[data-compare-select]").value;
  });
  // <form data-upload-progress>: upload with a progress bar, then show the answer.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches || !form.matches("[data-upload-progress]") || event.defaultPrevented) return;
    var bar = form.querySelector(".upload-progress");
    if (!bar || !window.FormData) return;
    event.preventDefault();
    var status = form.querySelector(".upload-status");
    var button = form.querySelector("button");
    bar.hidden = false;
    if (status) status.hidden = false;
    if (button) button.disabled = true;
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action || window.location.href);
    xhr.upload.addEventListener("progress", function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    });
    xhr.upload.addEventListener("load", function () { bar.removeAttribute("value"); });
    xhr.addEventListener("load", function () {
      if (xhr.responseURL && xhr.responseURL !== window.location.href) {
        window.location.href = xhr.responseURL;
      } else {
        document.open();
        document.write(xhr.responseText);
        document.close();
      }
    });
    xhr.addEventListener("error", function () {
      if (button) button.disabled = false;
      bar.hidden = true;
      if (status) status.textContent = form.dataset.uploadError || "上传失败，请检查网络后重试 / upload failed";
    });
    xhr.send(new FormData(form));
  });
})();
