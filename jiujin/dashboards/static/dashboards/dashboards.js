/* 数据看板: the child units' bar chart (ECharts, served from /static/vendor/echarts/), drawn from the
   JSON the page embeds; a click on a bar or a name opens that unit's dashboard. The table under the chart
   holds the same numbers for screen readers, print and browsers without JavaScript. */
(function () {
  "use strict";

  function autosubmit() {
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.requestSubmit(); });
    });
  }

  function draw() {
    var box = document.getElementById("dash-chart");
    var source = document.getElementById("chart-data");
    if (!box || !source || typeof window.echarts === "undefined") return;
    var data = JSON.parse(source.textContent);
    var suffix = data.percent ? "%" : "";
    box.style.height = Math.max(140, data.labels.length * 38 + 50) + "px";
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    chart.setOption({
      animation: false,
      grid: { left: 8, right: 56, top: 8, bottom: 8, containLabel: true },
      // richText: drawn on the canvas; the HTML tooltip writes style attributes, which the CSP refuses.
      tooltip: {
        trigger: "axis", renderMode: "richText", axisPointer: { type: "shadow" },
        valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + suffix; },
      },
      xAxis: { type: "value", axisLabel: { formatter: "{value}" + suffix }, max: data.percent ? 100 : null },
      yAxis: {
        type: "category", data: data.labels, inverse: true, triggerEvent: true,
        axisLabel: { fontSize: 14, color: "#1f2328", width: 110, overflow: "truncate" },
      },
      series: [{
        type: "bar", name: data.title, data: data.values, cursor: "pointer", barMaxWidth: 28,
        itemStyle: { color: "#b3261e" },
        label: { show: true, position: "right", formatter: function (p) {
          return p.value === null || p.value === undefined ? "—" : p.value + suffix;
        } },
      }],
    });
    chart.on("click", function (params) {
      var index = params.componentType === "yAxis" ? data.labels.indexOf(params.value) : params.dataIndex;
      if (index >= 0 && data.urls[index]) window.location.href = data.urls[index];
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function start() { autosubmit(); draw(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
