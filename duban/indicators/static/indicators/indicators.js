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

  function fmt(v) {
    if (v === null || v === undefined || isNaN(v)) return "—";
    return Number(v).toLocaleString("zh-CN", { maximumFractionDigits: 2 });
  }

  // <div data-chart="json-id">: one line per region, the total dashed.
  function drawChart(el) {
    var data = readJSON(el.dataset.chart);
    if (!data || !window.echarts) return;
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: ["#1d4f91", "#b3261e", "#1e7b34", "#b7791f", "#6f42c1", "#0f7c8c", "#8a5a44", "#d63384", "#495057", "#2f9e44", "#e8590c", "#5c7cfa"],
      tooltip: { trigger: "axis", valueFormatter: fmt },
      legend: { type: "scroll", top: 0 },
      grid: { left: 70, right: 30, top: 50, bottom: 40 },
      xAxis: { type: "category", data: data.periods, boundaryGap: false },
      yAxis: { type: "value", name: data.unit, scale: true },
      series: data.series.map(function (s) {
        return {
          name: s.name,
          type: "line",
          data: s.data,
          connectNulls: false,
          symbolSize: 5,
          lineStyle: s.total ? { width: 3, type: "dashed" } : { width: 2 },
        };
      }),
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  // <div data-map="json-id" data-geo="url">: a choropleth of Jilin, offline GeoJSON.
  function drawMap(el) {
    var data = readJSON(el.dataset.map);
    if (!data || !window.echarts) return;
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
              return p.name + "<br>" + (p.value === undefined || isNaN(p.value) ? el.dataset.nodata : fmt(p.value) + " " + data.unit);
            },
          },
          visualMap: {
            min: data.min,
            max: data.max === data.min ? data.min + 1 : data.max,
            left: 20,
            bottom: 20,
            text: [el.dataset.high, el.dataset.low],
            calculable: true,
            inRange: { color: ["#e8f0fb", "#7aa6dc", "#1d4f91"] },
          },
          series: [{
            type: "map",
            map: name,
            roam: true,
            layoutCenter: ["50%", "50%"],
            layoutSize: "95%",
            label: { show: data.level === "prefecture", fontSize: 11 },
            emphasis: { label: { show: true } },
            itemStyle: { borderColor: "#fff", borderWidth: 0.8, areaColor: "#f0f0f0" },
            data: data.data.map(function (d) { return { name: d.name, value: d.value }; }),
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
