// Unit picker: type a full name, short name, alias or pinyin initials (sfgw → 省发改委); arrow keys
// move, Enter picks, Escape closes. Attached to every [data-picker], including ones htmx swaps in.
(function () {
  "use strict";
  var timer = null;

  function parts(picker) {
    return {
      value: picker.querySelector("[data-picker-value]"),
      chips: picker.querySelector("[data-picker-chips]"),
      input: picker.querySelector("[data-picker-input]"),
      list: picker.querySelector("[data-picker-results]"),
      multiple: picker.hasAttribute("data-multiple"),
    };
  }

  function ids(p) {
    return p.value.value ? p.value.value.split(",").filter(Boolean) : [];
  }

  function close(p) {
    p.list.hidden = true;
    p.list.innerHTML = "";
    p.input.setAttribute("aria-expanded", "false");
  }

  function chip(id, label) {
    var span = document.createElement("span");
    span.className = "chip";
    span.dataset.id = id;
    span.textContent = label;
    var b = document.createElement("button");
    b.type = "button";
    b.setAttribute("data-picker-remove", "");
    b.setAttribute("aria-label", "×");
    b.textContent = "×";
    span.appendChild(b);
    return span;
  }

  function changed(p) {
    p.value.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function pick(picker, li) {
    var p = parts(picker);
    var id = li.dataset.id;
    if (p.multiple) {
      var current = ids(p);
      if (current.indexOf(id) === -1) {
        current.push(id);
        p.value.value = current.join(",");
        p.chips.appendChild(chip(id, li.dataset.label));
      }
    } else {
      p.value.value = id;
      p.chips.innerHTML = "";
      p.chips.appendChild(chip(id, li.dataset.label));
    }
    p.input.value = "";
    close(p);
    p.input.focus();
    changed(p);
  }

  function search(picker) {
    var p = parts(picker);
    var q = p.input.value.trim();
    var url = picker.dataset.url + "?q=" + encodeURIComponent(q);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (data) {
        p.list.innerHTML = "";
        data.results.forEach(function (u, i) {
          var li = document.createElement("li");
          li.setAttribute("role", "option");
          li.dataset.id = String(u.id);
          li.dataset.label = u.short;
          li.textContent = u.short === u.name ? u.name : u.short + "（" + u.name + "）";
          if (i === 0) li.classList.add("active");
          p.list.appendChild(li);
        });
        p.list.hidden = data.results.length === 0;
        p.input.setAttribute("aria-expanded", String(!p.list.hidden));
      });
  }

  document.addEventListener("input", function (e) {
    var picker = e.target.closest && e.target.closest("[data-picker]");
    if (!picker || !e.target.hasAttribute("data-picker-input")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { search(picker); }, 150);
  });

  document.addEventListener("keydown", function (e) {
    var picker = e.target.closest && e.target.closest("[data-picker]");
    if (picker && e.target.hasAttribute("data-picker-input")) {
      var p = parts(picker);
      var items = Array.prototype.slice.call(p.list.querySelectorAll("li"));
      var active = p.list.querySelector("li.active");
      var i = items.indexOf(active);
      if (e.key === "ArrowDown" || e.key === "ArrowUp") {
        if (p.list.hidden) { search(picker); e.preventDefault(); return; }
        var next = items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length];
        if (active) active.classList.remove("active");
        if (next) { next.classList.add("active"); next.scrollIntoView({ block: "nearest" }); }
        e.preventDefault();
      } else if (e.key === "Enter") {
        if (!p.list.hidden && active) { pick(picker, active); e.preventDefault(); e.stopPropagation(); }
        else if (p.input.value === "") { return; }
        else { e.preventDefault(); }
      } else if (e.key === "Escape") {
        if (!p.list.hidden) { close(p); e.stopPropagation(); }
      } else if (e.key === "Backspace" && p.input.value === "" && p.chips.lastElementChild) {
        p.chips.lastElementChild.querySelector("[data-picker-remove]").click();
      }
      return;
    }
    // In an edit row: Enter saves, Escape cancels.
    var row = e.target.closest && e.target.closest("[data-edit-row]");
    if (row) {
      if (e.key === "Enter" && e.target.tagName === "INPUT") { row.querySelector("[data-save]").click(); e.preventDefault(); }
      if (e.key === "Escape") { row.querySelector("[data-cancel]").click(); e.preventDefault(); }
    }
  });

  document.addEventListener("click", function (e) {
    var li = e.target.closest && e.target.closest("[data-picker-results] li");
    if (li) { pick(li.closest("[data-picker]"), li); return; }
    var remove = e.target.closest && e.target.closest("[data-picker-remove]");
    if (remove) {
      var picker = remove.closest("[data-picker]");
      var p = parts(picker);
      var id = remove.parentElement.dataset.id;
      p.value.value = ids(p).filter(function (x) { return x !== id; }).join(",");
      remove.parentElement.remove();
      changed(p);
      return;
    }
    document.querySelectorAll("[data-picker-results]:not([hidden])").forEach(function (list) {
      if (!list.parentElement.contains(e.target)) close(parts(list.parentElement));
    });
  });

  // <input type=checkbox data-check-all="name"> ticks every checkbox of that name.
  document.addEventListener("change", function (e) {
    var name = e.target.dataset && e.target.dataset.checkAll;
    if (!name) return;
    document.querySelectorAll('input[type=checkbox][name="' + name + '"]').forEach(function (c) { c.checked = e.target.checked; });
  });
})();
