// Indicator pages: entry grid, upload progress, the ECharts chart and map. Attached by data- attributes.
(function () {
  "use strict";

  // Entry grid: mark edited cells so the user sees what the row's save will send.
  document.addEventListener("input", function (event) {
    var el = event.target;
    if (el.matches && el.matches("input.val")) {
      el.classList.toggle("changed", el.value.trim() !== (el.dataset.saved || ""));
    }
  });

  // <form data-autosubmit>: filters apply as soon as a choice changes.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-autosubmit") && !event.target.matches("input[type=text]")) {
      form.requestSubmit();
    }
  });

  // Upload progress: htmx reports the bytes sent; after the upload the server checks every cell.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt;
    if (!form.hasAttribute || !form.hasAttribute("data-upload")) return;
    var box = document.querySelector(form.dataset.upload);
    if (!box) return;
    box.classList.remove("hidden");
    box.querySelector("progress").value = 0;
    box.querySelector(".upload-status").textContent = box.dataset.sending;
  });
  document.addEventListener("htmx:xhr:progress", function (event) {
    var form = event.detail.elt;
    if (!form.hasAttribute || !form.hasAttribute("data-upload")) return;
    var box = document.querySelector(form.dataset.upload);
    if (!box || !event.detail.total) return;
    var pct = Math.round((100 * event.detail.loaded) / event.detail.total);
    var bar = box.querySelector("progress");
    bar.value = pct;
    if (pct >= 100) {
      bar.removeAttribute("value"); // indeterminate while the server checks the cells
      box.querySelector(".upload-status").textContent = box.dataset.checking;
    } else {
      box.querySelector(".upload-status").textContent = box.dataset.sending + " " + pct + "%";
    }
  });
  document.addEventListener("htmx:responseError", function (event) {
    var form = event.detail.elt;
    if (!form.hasAttribute || !form.hasAttribute("data-upload")) return;
    var box = document.querySelector(form.dataset.upload);
    if (box) box.querySelector(".upload-status").textContent = box.dataset.failed;
  });

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  // A figure as the pages show it: thousands separators and the indicator's decimals (817,943.00).
  function fmt(v, precision) {
    if (v === null || v === undefined || isNaN(v)) return "—";
    var p = precision === undefined || precision === null ? 2 : precision;
    return Number(v).toLocaleString("en-US", { minimumFractionDigits: p, maximumFractionDigits: p });
  }

  // An axis or legend tick: separators, no more decimals than the figure has.
  function tick(v) {
    return Number(v).toLocaleString("en-US", { maximumFractionDigits: 2 });
  }

  function escapeHTML(text) {
    var div = document.createElement("div");
    div.textContent = text;
    return div.innerHTML;
  }

  function noData(el) {
    el.classList.add("empty-figures");
    el.textContent = el.dataset.nodata || "";
  }

  // <div data-chart="json-id">: one line per region, the total dashed.
  function drawChart(el) {
    var data = readJSON(el.dataset.chart);
    if (!data) return;
    if (!data.has_data) { noData(el); return; }
    if (!window.echarts) return;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var byName = {};
    data.series.forEach(function (s) { byName[s.name] = s; });
    chart.setOption({
      color: ["#1d4f91", "#b3261e", "#1e7b34", "#b7791f", "#6f42c1", "#0f7c8c", "#8a5a44", "#d63384", "#495057", "#2f9e44", "#e8590c", "#5c7cfa"],
      tooltip: {
        trigger: "axis",
        formatter: function (items) {
          var lines = [escapeHTML(items.length ? items[0].axisValueLabel : "")];
          items.forEach(function (it) {
            var s = byName[it.seriesName];
            var note = s && s.partial ? s.partial[it.dataIndex] : "";
            lines.push(it.marker + escapeHTML(it.seriesName) + "　<b>" + fmt(it.value, data.precision) + "</b>" +
              (note ? " <span class=\"tip-partial\">* " + escapeHTML(note) + "</span>" : ""));
          });
          return lines.join("<br>");
        },
      },
      legend: { type: "scroll", top: 0 },
      grid: { left: 80, right: 30, top: 50, bottom: 40 },
      xAxis: { type: "category", data: data.periods, boundaryGap: false },
      // a sum starts at 0, so a line's height reads as its size; rates and averages zoom in
      yAxis: data.zero_based
        ? { type: "value", name: data.unit, min: 0, scale: false, axisLabel: { formatter: tick } }
        : { type: "value", name: data.unit, scale: true, axisLabel: { formatter: tick } },
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: "line",
          // an incomplete total is drawn as a hollow red diamond, explained in the tooltip
          data: s.data.map(function (v, i) {
            return s.partial && s.partial[i] && v !== null
              ? { value: v, symbol: "diamond", symbolSize: 10, itemStyle: { color: "#b3261e" } }
              : v;
          }),
          connectNulls: false,
          symbolSize: 5,
          // the total: black and dashed, a colour no region line has
          itemStyle: s.total ? { color: "#111" } : undefined,
          lineStyle: s.total ? { width: 3, type: "dashed", color: "#111" } : { width: 2 },
          z: s.total ? 3 : 2,
        };
      }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // white diagonal hatching over a region's colour: its figure lacks some of the regions below
  var PARTIAL_DECAL = {
    symbol: "rect",
    color: "rgba(255, 255, 255, 0.75)",
    dashArrayX: [1, 0],
    dashArrayY: [3, 4],
    rotation: -Math.PI / 4,
  };

  // <div data-map="json-id" data-geo="url">: a choropleth of Jilin, offline GeoJSON.
  function drawMap(el) {
    var data = readJSON(el.dataset.map);
    if (!data) return;
    if (!data.data.length) { noData(el); el.dataset.ready = "1"; return; }
    if (!window.echarts) return;
    var byName = {};
    data.data.forEach(function (d) { byName[d.name] = d; });
    var chart = window.echarts.init(el);
    chart.showLoading();
    fetch(el.dataset.geo)
      .then(function (r) { return r.json(); })
      .then(function (geo) {
        var name = "jilin-" + data.level;
        window.echarts.registerMap(name, geo);
        chart.hideLoading();
        chart.setOption({
          tooltip: {
            trigger: "item",
            formatter: function (p) {
              var d = byName[p.name];
              if (!d) return escapeHTML(p.name) + "<br>" + escapeHTML(el.dataset.nodata);
              var text = escapeHTML(p.name) + "<br><b>" + escapeHTML(d.text) + "</b> " + escapeHTML(data.unit);
              if (d.partial) text += "<br><span class=\"tip-partial\">* " + escapeHTML(d.partial) + "</span>";
              else if (d.rolled) text += "<br>" + escapeHTML(el.dataset.rolled || "");
              return text;
            },
          },
          // one figure (or all equal): one colour and that figure, not a made-up range
          visualMap: data.max === data.min
            ? {
              type: "piecewise",
              pieces: [{ min: data.min, max: data.max, label: fmt(data.min, data.precision) }],
              left: 20,
              bottom: 20,
              inRange: { color: ["#1d4f91"] },
            }
            : {
              min: data.min,
              max: data.max,
              left: 20,
              bottom: 20,
              text: [el.dataset.high, el.dataset.low],
              calculable: true,
              precision: data.precision,
              formatter: function (v) { return fmt(v, data.precision); },
              inRange: { color: ["#e8f0fb", "#7aa6dc", "#1d4f91"] },
            },
          series: [{
            type: "map",
            map: name,
            roam: true,
            layoutCenter: ["50%", "50%"],
            layoutSize: "95%",
            label: {
              show: data.level === "prefecture",
              fontSize: 11,
              formatter: function (p) { return byName[p.name] && byName[p.name].partial ? p.name + " *" : p.name; },
            },
            emphasis: { label: { show: true } },
            itemStyle: { borderColor: "#fff", borderWidth: 0.8, areaColor: "#f0f0f0" },
            // an incomplete total is hatched over its colour and marked *, explained in the legend
            data: data.data.map(function (d) {
              return d.partial
                ? { name: d.name, value: d.value, itemStyle: { borderColor: "#b3261e", borderWidth: 1.5, decal: PARTIAL_DECAL } }
                : { name: d.name, value: d.value };
            }),
          }],
        });
        el.dataset.ready = "1";
      });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-chart]").forEach(drawChart);
    document.querySelectorAll("[data-map]").forEach(drawMap);
  });
})();
