// The competition overview: draws each [data-chart] from the JSON block #awards-overview-data (no inline script:
// CSP). Kinds: bar (horizontal), pie, column (a histogram) and funnel.
(function () {
  "use strict";

  function pairs(data) {
    return data.labels.map(function (label, i) { return { name: label, value: data.values[i] }; });
  }

  function option(kind, data) {
    if (kind === "pie") {
      return {
        tooltip: { trigger: "item", renderMode: "richText" },
        series: [{ type: "pie", radius: ["35%", "65%"], avoidLabelOverlap: true, label: { formatter: "{b}\n{c}" },
                   data: pairs(data) }],
      };
    }
    if (kind === "funnel") {
      return {
        tooltip: { trigger: "item", renderMode: "richText", formatter: "{b}: {c}" },
        series: [{ type: "funnel", sort: "none", left: "5%", width: "90%", minSize: "4%", gap: 2,
                   label: { position: "inside", formatter: "{b} {c}" }, data: pairs(data) }],
      };
    }
    if (kind === "column") {
      return {
        tooltip: { trigger: "axis", renderMode: "richText" },
        grid: { left: 8, right: 8, top: 24, bottom: 8, containLabel: true },
        xAxis: { type: "category", data: data.labels, axisLabel: { interval: 0, rotate: data.labels.length > 8 ? 30 : 0 } },
        yAxis: { type: "value", minInterval: 1 },
        series: [{ type: "bar", data: data.values, barCategoryGap: "10%", label: { show: true, position: "top" } }],
      };
    }
    return {
      tooltip: { trigger: "axis", renderMode: "richText" },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value", minInterval: 1 },
      yAxis: { type: "category", inverse: true, data: data.labels, axisLabel: { width: 120, overflow: "truncate" } },
      series: [{ type: "bar", data: data.values, label: { show: true, position: "right" } }],
    };
  }

  function draw() {
    var source = document.getElementById("awards-overview-data");
    if (!source || !window.echarts) return;
    var charts = JSON.parse(source.textContent);
    var drawn = [];
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var data = charts[el.dataset.chart];
      if (!data || !data.values.length) { el.hidden = true; return; }
      if (el.dataset.kind === "bar") {
        el.classList.add("overview-chart-rows-" + Math.min(Math.ceil(data.values.length / 5), 8));
      }
      var chart = window.echarts.init(el, null, { renderer: "canvas" });
      chart.setOption(option(el.dataset.kind, data));
      drawn.push(chart);
    });
    window.addEventListener("resize", function () { drawn.forEach(function (c) { c.resize(); }); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
