// The experts' leniency with its 95% confidence interval, from the JSON block #leniency-data (no inline script: CSP).
(function () {
  "use strict";

  function draw() {
    var source = document.getElementById("leniency-data");
    var el = document.querySelector("[data-leniency-chart]");
    if (!source || !el) return;
    var data = JSON.parse(source.textContent);
    var experts = data.experts || [];
    if (!experts.length || !window.echarts) { el.hidden = true; return; }
    el.style.height = Math.max(260, Math.min(experts.length * 22 + 60, 1400)) + "px";
    var names = experts.map(function (e) { return e.name; });
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      tooltip: {
        trigger: "item", renderMode: "richText",
        formatter: function (p) {
          var e = experts[p.dataIndex];
          return e.name + "\n" + data.labels.bias + " " + e.bias + "\n" + data.labels.interval + " " + e.low + " ~ " + e.high;
        },
      },
      grid: { left: 8, right: 24, top: 8, bottom: 24, containLabel: true },
      xAxis: { type: "value", name: data.labels.bias, nameLocation: "middle", nameGap: 22 },
      yAxis: { type: "category", data: names, axisLabel: { width: 90, overflow: "truncate" } },
      series: [
        {
          type: "custom", name: data.labels.interval,
          renderItem: function (params, api) {
            var y = api.value(0);
            var low = api.coord([api.value(1), y]);
            var high = api.coord([api.value(2), y]);
            var h = api.size([0, 1])[1] * 0.3;
            var style = { stroke: "#607d8b", lineWidth: 1.5 };
            return { type: "group", children: [
              { type: "line", shape: { x1: low[0], y1: low[1], x2: high[0], y2: high[1] }, style: style },
              { type: "line", shape: { x1: low[0], y1: low[1] - h, x2: low[0], y2: low[1] + h }, style: style },
              { type: "line", shape: { x1: high[0], y1: high[1] - h, x2: high[0], y2: high[1] + h }, style: style },
            ] };
          },
          encode: { x: [1, 2], y: 0 },
          data: experts.map(function (e, i) { return [i, e.low, e.high]; }),
          z: 1,
        },
        {
          type: "scatter", name: data.labels.bias, symbolSize: 8,
          data: experts.map(function (e, i) {
            var flagged = e.low > 1 || e.high < -1;
            return { value: [e.bias, i], itemStyle: { color: flagged ? "#c62828" : "#1565c0" } };
          }),
          encode: { x: 0, y: 1 },
          markLine: { silent: true, symbol: "none", lineStyle: { color: "#999", type: "dashed" }, data: [{ xAxis: 0 }] },
          z: 2,
        },
      ],
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
