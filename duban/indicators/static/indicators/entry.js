// Entry grid: warn before leaving with figures typed but not saved. A figure is unsaved while its
// input differs from the figure last saved (data-saved); a row's save redraws the row, so what it
// saved is clean again and what it refused stays unsaved. Links and the filter form ask first
// (confirm, with the grid's data-unsaved text); anything else that leaves (closing the tab, the
// browser's back button) gets the browser's own beforeunload warning.
(function () {
  "use strict";

  var leaving = false;

  function grid() {
    return document.querySelector("[data-unsaved]");
  }

  function dirty() {
    var g = grid();
    if (!g) return false;
    var inputs = g.querySelectorAll("input.val");
    for (var i = 0; i < inputs.length; i++) {
      if (inputs[i].value.trim() !== (inputs[i].dataset.saved || "")) return true;
    }
    return false;
  }

  function mayLeave() {
    if (!dirty()) return true;
    if (window.confirm(grid().dataset.unsaved)) {
      leaving = true; // asked already: no second warning from beforeunload
      return true;
    }
    return false;
  }

  // links: the period arrows, the tabs, the indicator names, the history of a cell …
  document.addEventListener("click", function (event) {
    if (event.defaultPrevented || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    var link = event.target.closest && event.target.closest("a[href]");
    if (!link || link.target === "_blank" || link.hasAttribute("download")) return;
    if (link.getAttribute("href").charAt(0) === "#") return;
    if (!mayLeave()) event.preventDefault();
  }, true);

  // the filter form (unit, period): a GET that reloads the page. The rows' own forms post by htmx.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if ((form.method || "").toLowerCase() !== "get") return;
    if (!mayLeave()) {
      event.preventDefault();
      form.reset(); // the unit or period chosen goes back to the grid's own
    }
  }, true);

  window.addEventListener("beforeunload", function (event) {
    if (leaving || !dirty()) return;
    event.preventDefault();
    event.returnValue = "";
  });

  // the page is shown again from the back-forward cache: a new visit, ask again next time
  window.addEventListener("pageshow", function () { leaving = false; });
})();
