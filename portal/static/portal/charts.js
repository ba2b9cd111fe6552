/* Draws the quarterly trend charts from the JSON that the page embeds with json_script:
   {"periods": [...], "series": [{"metric", "name", "ratio", "values": [...], "target": threshold or null}]}.
   One small line chart per element with data-chart-metric. Loaded after echarts.min.js. */
(function () {
  "use strict";

  var source = document.getElementById("trend-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var targetLabel = data.target_label || "";
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
        // A count's axis reaches up to its target line too.
        max: series.ratio
          ? 100
          : function (extent) {
              return series.target === null || series.target === undefined
                ? null
                : Math.max(extent.max, series.target);
            },
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
          areaStyle: { opacity: 0.08 },
          // The target's threshold as a dashed line, so a chart says at a glance how far off the figure is.
          markLine:
            series.target === null || series.target === undefined
              ? undefined
              : {
                  silent: true,
                  symbol: "none",
                  lineStyle: { color: "#c0392b", type: "dashed" },
                  label: { formatter: targetLabel + " " + format(series, series.target), color: "#c0392b" },
                  data: [{ yAxis: series.target }]
                }
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
