/* Key-project map and charts, drawn by the vendored ECharts from local GeoJSON. No tiles, no network
   beyond this server.
   <div data-pmap="json-id" data-geo-base="…/neighbours.json" data-geo-jilin="…/jilin_prefectures.json"
        [data-edit="1" data-edit-form="form-id"]>  the map (and the location editor on a project's page)
   <div data-pchart="json-id" data-which="region|kind">  investment by region or by type
   <button data-pmap-export="png|pdf" data-target="map-id">  save the map view */
(function () {
  "use strict";

  var STAGE_COLORS = { planning: "#7a8aa6", construction: "#e07b00", completed: "#2e7d32", operating: "#1b5e20" };
  var LIGHT_COLORS = { green: "#2e7d32", yellow: "#e0a800", red: "#c62828" };

  function readJSON(id) {
    var el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function esc(s) {
    return String(s == null ? "" : s).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  function money(v) {
    if (v == null) return "—";
    if (Math.abs(v) >= 10000) return (v / 10000).toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 亿元";
    return v.toLocaleString("zh-CN", { maximumFractionDigits: 2 }) + " 万元";
  }

  function card(p, labels) {
    return "<b>" + esc(p.name) + "</b><br>" +
      esc(p.kind_label) + " · <span class=\"stage stage-" + esc(p.stage) + "\">" + esc(p.stage_label) + "</span>" +
      (p.places.length ? "<br>" + esc(labels.places) + "：" + esc(p.places.join("、")) : "") +
      (p.regions.length ? "<br>" + esc(labels.regions) + "：" + esc(p.regions.join("、")) : "") +
      (p.items.length ? "<br>" + esc(labels.items) + "：" + esc(p.items.join("、")) : "") +
      (p.lead_unit ? "<br>" + esc(labels.unit) + "：" + esc(p.lead_unit) : "") +
      "<br>" + esc(labels.total) + "：" + money(p.total_investment) +
      (p.year_planned != null ? "<br>" + esc(labels.year) + "：" + money(p.year_completed) + " / " + money(p.year_planned) : "") +
      "<br><span class=\"light-dot light-" + esc(p.light) + "\"></span>" + esc(p.light_reason);
  }

  function series(projects) {
    var points = [], lines = [], areas = [];
    projects.forEach(function (p) {
      var c = STAGE_COLORS[p.stage] || "#555";
      if (p.geometry === "point" && p.coordinates.length === 2) {
        points.push({ name: p.name, value: p.coordinates.concat([p.id]), itemStyle: { color: c, borderColor: LIGHT_COLORS[p.light] || "#fff", borderWidth: 2 }, pid: p.id });
      } else if (p.geometry === "line" && p.coordinates.length >= 2) {
        lines.push({ name: p.name, coords: p.coordinates, lineStyle: { color: c, width: 3, type: p.kind === "route" ? "dashed" : "solid" }, pid: p.id });
        points.push({ name: p.name, value: p.coordinates[0].concat([p.id]), symbolSize: 7, itemStyle: { color: c }, pid: p.id });
      } else if (p.geometry === "area" && p.coordinates.length >= 3) {
        areas.push({ name: p.name, value: [p.id], coords: p.coordinates, color: c, pid: p.id });
      }
    });
    return { points: points, lines: lines, areas: areas };
  }

  function placesSeries(places) {
    return places
      .filter(function (p) { return p.kind === "port" || p.kind === "border_crossing" || p.kind === "city"; })
      .map(function (p) { return { name: p.name, value: [p.lon, p.lat], kind: p.kind }; });
  }

  function drawMap(el) {
    var data = readJSON(el.dataset.pmap);
    if (!data || !window.echarts) return;
    var labels = JSON.parse(el.dataset.labels || "{}");
    var byId = {};
    data.projects.forEach(function (p) { byId[p.id] = p; });
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    el._chart = chart;
    chart.showLoading();
    Promise.all([fetch(el.dataset.geoBase).then(function (r) { return r.json(); }),
                 fetch(el.dataset.geoJilin).then(function (r) { return r.json(); })])
      .then(function (geos) {
        var base = geos[0], jilin = geos[1];
        var features = base.features.concat(jilin.features.map(function (f) {
          f.properties = Object.assign({}, f.properties, { jilin: true });
          return f;
        }));
        window.echarts.registerMap("duban-projects", { type: "FeatureCollection", features: features });
        var regionStyles = jilin.features.map(function (f) {
          return { name: f.properties.name, itemStyle: { areaColor: "#fbf7ef", borderColor: "#b89a6a" }, label: { show: true, color: "#8a6d3b", fontSize: 10 } };
        });
        base.features.forEach(function (f) {
          regionStyles.push({ name: f.properties.name, itemStyle: { areaColor: f.properties.iso === "CN" ? "#eeeeee" : "#e3e8ef" }, label: { show: f.properties.iso !== "CN", color: "#667", fontSize: 12 } });
        });
        var s = series(data.projects);
        var draft = [];
        var option = {
          backgroundColor: "#cfe3f3",
          tooltip: {
            trigger: "item", confine: true, enterable: false,
            formatter: function (p) {
              if (p.data && p.data.pid && byId[p.data.pid]) return card(byId[p.data.pid], labels);
              if (p.seriesName === "places") return esc(p.name);
              return esc(p.name);
            },
          },
          geo: {
            map: "duban-projects", roam: true, center: el.dataset.center ? JSON.parse(el.dataset.center) : [129.6, 41.9],
            zoom: parseFloat(el.dataset.zoom || "2.0"), scaleLimit: { min: 1, max: 40 },
            itemStyle: { areaColor: "#e3e8ef", borderColor: "#9aa5b5", borderWidth: 0.6 },
            emphasis: { disabled: true }, regions: regionStyles, select: { disabled: true },
            label: { show: false },
          },
          series: [
            { name: "places", type: "scatter", coordinateSystem: "geo", data: placesSeries(data.places || []), symbol: "diamond", symbolSize: 5,
              itemStyle: { color: "#556" }, label: { show: true, position: "right", formatter: "{b}", fontSize: 9, color: "#445" }, labelLayout: { hideOverlap: true }, z: 2, silent: true },
            { name: "areas", type: "custom", coordinateSystem: "geo", data: s.areas, z: 3,
              renderItem: function (params, api) {
                var a = s.areas[params.dataIndex];
                return { type: "polygon", shape: { points: a.coords.map(function (c) { return api.coord(c); }) },
                         style: { fill: a.color, opacity: 0.35, stroke: a.color, lineWidth: 1.5 } };
              } },
            { name: "lines", type: "lines", coordinateSystem: "geo", polyline: true, data: s.lines, z: 4, emphasis: { lineStyle: { width: 5 } } },
            { name: "projects", type: "scatter", coordinateSystem: "geo", data: s.points, symbolSize: 12, z: 5,
              emphasis: { scale: 1.6 } },
            { name: "draft", type: "lines", coordinateSystem: "geo", polyline: true, data: [], z: 6, lineStyle: { color: "#c62828", width: 2, type: "dotted" } },
            { name: "draftpts", type: "scatter", coordinateSystem: "geo", data: [], z: 7, symbolSize: 9, itemStyle: { color: "#c62828" } },
          ],
        };
        chart.hideLoading();
        chart.setOption(option);
        el.dataset.ready = "1";
        chart.on("click", function (p) {
          if (p.data && p.data.pid) {
            var panel = document.getElementById(el.dataset.card || "");
            if (panel) { panel.innerHTML = card(byId[p.data.pid], labels) + " <a href=\"" + esc(byId[p.data.pid].url) + "\">" + esc(labels.open) + "</a>"; panel.hidden = false; }
            document.querySelectorAll("[data-project-row]").forEach(function (row) {
              row.classList.toggle("picked", row.dataset.projectRow === String(p.data.pid));
            });
            var row = document.querySelector("[data-project-row=\"" + p.data.pid + "\"]");
            if (row) row.scrollIntoView({ block: "nearest" });
          }
        });
        document.querySelectorAll("[data-project-row]").forEach(function (row) {
          row.addEventListener("mouseenter", function () {
            var i = s.points.findIndex(function (pt) { return String(pt.pid) === row.dataset.projectRow; });
            if (i >= 0) chart.dispatchAction({ type: "showTip", seriesName: "projects", dataIndex: i });
          });
        });
        if (el.dataset.edit === "1") editor(el, chart, draft);
        window.addEventListener("resize", function () { chart.resize(); });
      });
  }

  /* The location editor: each click on the map adds a point (a point replaces the last one). */
  function editor(el, chart, draft) {
    var form = document.getElementById(el.dataset.editForm);
    if (!form) return;
    var coords = form.querySelector("[name=coordinates]");
    var geometry = form.querySelector("[name=geometry]");
    function redraw() {
      chart.setOption({ series: [{ name: "draft", data: draft.length > 1 ? [{ coords: geometry.value === "area" ? draft.concat([draft[0]]) : draft }] : [] },
                                 { name: "draftpts", data: draft.map(function (c) { return { value: c }; }) }] });
      coords.value = draft.map(function (c) { return c[0].toFixed(5) + "," + c[1].toFixed(5); }).join("; ");
    }
    chart.getZr().on("click", function (e) {
      var c = chart.convertFromPixel({ geoIndex: 0 }, [e.offsetX, e.offsetY]);
      if (!c) return;
      if (geometry.value === "point" || !geometry.value) { draft.length = 0; if (!geometry.value) geometry.value = "point"; }
      draft.push([c[0], c[1]]);
      redraw();
    });
    var clear = form.querySelector("[data-clear]");
    if (clear) clear.addEventListener("click", function () { draft.length = 0; redraw(); });
  }

  function drawChart(el) {
    var data = readJSON(el.dataset.pchart);
    if (!data || !window.echarts) return;
    var d = (data.charts || data)[el.dataset.which];
    if (!d.labels.length) { el.classList.add("empty"); el.textContent = el.dataset.empty || ""; return; }
    var chart = window.echarts.init(el);
    chart.setOption({
      tooltip: { trigger: "axis" },
      legend: { data: [el.dataset.completed, el.dataset.planned], top: 0 },
      grid: { left: 8, right: 16, top: 28, bottom: 8, containLabel: true },
      xAxis: { type: "value", name: el.dataset.unit },
      yAxis: { type: "category", data: d.labels, inverse: true, axisLabel: { width: 110, overflow: "truncate" } },
      series: [
        { name: el.dataset.completed, type: "bar", data: d.completed, itemStyle: { color: "#b3261e" } },
        { name: el.dataset.planned, type: "bar", data: d.planned, itemStyle: { color: "#d9c7a7" } },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  /* A one-page PDF around a JPEG of the map (DCTDecode): no library, nothing fetched. */
  function pdfFromJpeg(dataUrl, w, h) {
    var bin = atob(dataUrl.split(",")[1]);
    var pageW = 842, pageH = 595, m = 24;  // A4 landscape, points
    var s = Math.min((pageW - 2 * m) / w, (pageH - 2 * m) / h);
    var dw = (w * s).toFixed(2), dh = (h * s).toFixed(2);
    var x = ((pageW - w * s) / 2).toFixed(2), y = ((pageH - h * s) / 2).toFixed(2);
    var content = "q " + dw + " 0 0 " + dh + " " + x + " " + y + " cm /Im0 Do Q";
    var objs = [
      "<< /Type /Catalog /Pages 2 0 R >>",
      "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
      "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 " + pageW + " " + pageH + "] /Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>",
      null,
      "<< /Length " + content.length + " >>\nstream\n" + content + "\nendstream",
    ];
    var out = "%PDF-1.4\n", offsets = [];
    objs.forEach(function (o, i) {
      offsets.push(out.length);
      if (i === 3) {
        out += "4 0 obj\n<< /Type /XObject /Subtype /Image /Width " + w + " /Height " + h +
          " /ColorSpace /DeviceRGB /BitsPerComponent 8 /Filter /DCTDecode /Length " + bin.length + " >>\nstream\n" + bin + "\nendstream\nendobj\n";
      } else {
        out += (i + 1) + " 0 obj\n" + o + "\nendobj\n";
      }
    });
    var xref = out.length;
    out += "xref\n0 6\n0000000000 65535 f \n" + offsets.map(function (o) { return String(o).padStart(10, "0") + " 00000 n \n"; }).join("") +
      "trailer\n<< /Size 6 /Root 1 0 R >>\nstartxref\n" + xref + "\n%%EOF";
    var bytes = new Uint8Array(out.length);
    for (var i = 0; i < out.length; i++) bytes[i] = out.charCodeAt(i) & 0xff;
    return new Blob([bytes], { type: "application/pdf" });
  }

  function download(href, name) {
    var a = document.createElement("a");
    a.href = href; a.download = name;
    document.body.appendChild(a); a.click(); a.remove();
  }

  function exportMap(btn) {
    var el = document.getElementById(btn.dataset.target);
    if (!el || !el._chart) return;
    var chart = el._chart;
    var name = btn.dataset.name || "map";
    if (btn.dataset.pmapExport === "png") {
      download(chart.getDataURL({ type: "png", pixelRatio: 2, backgroundColor: "#cfe3f3" }), name + ".png");
    } else {
      var url = chart.getDataURL({ type: "jpeg", pixelRatio: 2, backgroundColor: "#cfe3f3" });
      var blob = pdfFromJpeg(url, chart.getWidth() * 2, chart.getHeight() * 2);
      var href = URL.createObjectURL(blob);
      download(href, name + ".pdf");
      setTimeout(function () { URL.revokeObjectURL(href); }, 2000);
    }
  }

  /* On the proposal screen: “tick all” and choosing a row's merge target ticks the row. */
  function proposals() {
    document.querySelectorAll("[data-tick-on-change]").forEach(function (input) {
      function tick() {
        var box = document.getElementById(input.dataset.tickOnChange);
        if (box) box.checked = true;
      }
      input.addEventListener("input", tick);
      input.addEventListener("change", tick);
    });
  }

  function init() {
    document.querySelectorAll("[data-pmap]").forEach(drawMap);
    document.querySelectorAll("[data-pchart]").forEach(drawChart);
    document.querySelectorAll("[data-pmap-export]").forEach(function (b) {
      b.addEventListener("click", function () { exportMap(b); });
    });
    proposals();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
