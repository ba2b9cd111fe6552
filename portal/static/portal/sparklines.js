/* Small bar charts of a supply–demand table: graduates of year Y (recorded, dark) and of Y+1..Y+3
   (projected, light), one per element with data-sparkline="<row index>". Data from json_script
   "sd-sparklines": {"years": ["2025", ...], "rows": [{"name", "values": [4 numbers]}]}.
   The figures are also printed next to each chart; the chart adds the shape. Loaded after echarts.min.js. */
(function () {
  "use strict";

  var source = document.getElementById("sd-sparklines");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var charts = [];
  document.querySelectorAll("[data-sparkline]").forEach(function (element) {
    var row = data.rows[Number(element.getAttribute("data-sparkline"))];
    if (!row) {
      return;
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 0, right: 0, top: 2, bottom: 0 },
      tooltip: {
        trigger: "axis",
        confine: true,
        formatter: function (items) {
          var item = items[0];
          return row.name + "<br>" + item.name + ": " + Math.round(item.value).toLocaleString();
        }
      },
      xAxis: { type: "category", data: data.years, show: false },
      yAxis: { type: "value", show: false, min: 0 },
      series: [
        {
          type: "bar",
          barWidth: "60%",
          data: row.values.map(function (value, index) {
            return { value: value, itemStyle: { color: index === 0 ? "#1f4e8c" : "#8fb0db" } };
          })
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
