/* Draws the quarterly trend charts from the JSON that the page embeds with json_script:
   {"periods": ["2024Q1", ...], "series": [{"metric", "name", "ratio", "values": [...]}]}.
   One small line chart per element with data-chart-metric. Loaded after echarts.min.js. */
(function () {
  "use strict";

  var source = document.getElementById("trend-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var byMetric = {};
  data.series.forEach(function (series) {
    byMetric[series.metric] = series;
  });

  function format(series, value) {
    if (value === null || value === undefined) {
      return "—";
    }
    return series.ratio ? value.toFixed(1) + "%" : value.toLocaleString();
  }

  var charts = [];
  document.querySelectorAll("[data-chart-metric]").forEach(function (element) {
    var series = byMetric[element.getAttribute("data-chart-metric")];
    if (!series) {
      return;
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: ["#1f4e8c"],
      grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis",
        valueFormatter: function (value) {
          return format(series, value);
        }
      },
      xAxis: { type: "category", data: data.periods, boundaryGap: false, axisLabel: { color: "#56606d" } },
      yAxis: {
        type: "value",
        min: series.ratio ? 0 : null,
        max: series.ratio ? 100 : null,
        axisLabel: { color: "#56606d", formatter: series.ratio ? "{value}%" : "{value}" },
        splitLine: { lineStyle: { color: "#e3e8ee" } }
      },
      series: [
        {
          name: series.name,
          type: "line",
          data: series.values,
          connectNulls: false,
          symbolSize: 6,
          areaStyle: { opacity: 0.08 }
        }
      ]
    });
    charts.push(chart);
  });

  window.addEventListener("resize", function () {
    charts.forEach(function (chart) {
      chart.resize();
    });
  });
})();
