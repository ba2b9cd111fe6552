/* The scenario page: a chart per cluster (graduates as bars, gap as lines; baseline grey, scenario blue)
   from json_script "planner-data" {"years", "clusters": [{"name", "graduates": {baseline, scenario},
   "gap": {baseline, scenario}}]}, the share link's copy button, and a confirmation before deleting. */
(function () {
  "use strict";

  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    });
  });

  document.querySelectorAll("[data-copy]").forEach(function (button) {
    button.addEventListener("click", function () {
      var field = document.getElementById(button.getAttribute("data-copy"));
      var done = function () {
        button.textContent = button.getAttribute("data-copied");
      };
      field.select();
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(field.value).then(done, function () {
          document.execCommand("copy");
          done();
        });
      } else {
        document.execCommand("copy");
        done();
      }
    });
  });

  var source = document.getElementById("planner-data");
  if (!source || typeof echarts === "undefined") {
    return;
  }
  var data = JSON.parse(source.textContent);
  var labelsElement = document.getElementById("planner-labels");
  var labels = labelsElement ? JSON.parse(labelsElement.textContent) : {};
  function whole(value) {
    return value === null || value === undefined ? "—" : Math.round(value).toLocaleString();
  }
  var charts = [];
  document.querySelectorAll("[data-planner-chart]").forEach(function (element) {
    var cluster = data.clusters[Number(element.getAttribute("data-planner-chart"))];
    if (!cluster) {
      return;
    }
    var chart = echarts.init(element, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      color: ["#b7c0cc", "#1f4e8c", "#8a4b00", "#a4161a"],
      grid: { left: 8, right: 12, top: 34, bottom: 8, containLabel: true },
      legend: { top: 0, itemWidth: 12, itemHeight: 8, textStyle: { fontSize: 11, color: "#56606d" } },
      tooltip: { trigger: "axis", valueFormatter: whole },
      xAxis: { type: "category", data: data.years, axisLabel: { color: "#56606d" } },
      yAxis: { type: "value", axisLabel: { color: "#56606d" }, splitLine: { lineStyle: { color: "#e3e8ee" } } },
      series: [
        { name: labels.baseline_graduates, type: "bar", data: cluster.graduates.baseline, barGap: "5%" },
        { name: labels.scenario_graduates, type: "bar", data: cluster.graduates.scenario },
        { name: labels.baseline_gap, type: "line", data: cluster.gap.baseline, lineStyle: { type: "dashed" }, symbolSize: 4 },
        { name: labels.scenario_gap, type: "line", data: cluster.gap.scenario, symbolSize: 5 }
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
