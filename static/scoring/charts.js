/* Report charts: draws every <canvas data-chart="ID"> from the JSON in
 * <script type="application/json" id="ID"> (written by Django's json_script).
 *
 * The JSON: {kind: "bars"|"hbars", title, labels, unit, max,
 *            series: [{label, values, low?, high?}], targets: [{label, value}]}
 * "low"/"high" draw the 95% interval as whiskers on the bars; "targets" draw
 * horizontal (vertical for hbars) dashed lines. Every chart has its numbers in a
 * table next to it, so nothing here is the only place a figure appears.
 * No inline script: this file is served from static/ with Chart.js (static/vendor/).
 */
(function () {
  "use strict";

  var PALETTE = ["#0b5cad", "#c2571a", "#1b7a3a", "#7a3bb0", "#a15c00", "#3b7f8a"];
  var TARGET_COLOURS = ["#b3261e", "#5f6b73"];

  var whiskersAndTargets = {
    id: "cdhtWhiskersAndTargets",
    afterDatasetsDraw: function (chart) {
      var ctx = chart.ctx;
      var horizontal = chart.options.indexAxis === "y";
      var valueScale = horizontal ? chart.scales.x : chart.scales.y;
      ctx.save();
      chart.data.datasets.forEach(function (dataset, index) {
        if (!dataset.low || !dataset.high) {
          return;
        }
        var meta = chart.getDatasetMeta(index);
        if (meta.hidden) {
          return;
        }
        ctx.strokeStyle = "#1d2327";
        ctx.lineWidth = 1.5;
        meta.data.forEach(function (bar, i) {
          var low = dataset.low[i];
          var high = dataset.high[i];
          if (low === null || high === null || low === undefined || high === undefined) {
            return;
          }
          var a = valueScale.getPixelForValue(low);
          var b = valueScale.getPixelForValue(high);
          var centre = horizontal ? bar.y : bar.x;
          var cap = 5;
          ctx.beginPath();
          if (horizontal) {
            ctx.moveTo(a, centre); ctx.lineTo(b, centre);
            ctx.moveTo(a, centre - cap); ctx.lineTo(a, centre + cap);
            ctx.moveTo(b, centre - cap); ctx.lineTo(b, centre + cap);
          } else {
            ctx.moveTo(centre, a); ctx.lineTo(centre, b);
            ctx.moveTo(centre - cap, a); ctx.lineTo(centre + cap, a);
            ctx.moveTo(centre - cap, b); ctx.lineTo(centre + cap, b);
          }
          ctx.stroke();
        });
      });
      var targets = (chart.options.plugins.cdhtWhiskersAndTargets || {}).targets || [];
      var area = chart.chartArea;
      targets.forEach(function (target, n) {
        var at = valueScale.getPixelForValue(target.value);
        ctx.strokeStyle = TARGET_COLOURS[n % TARGET_COLOURS.length];
        ctx.fillStyle = ctx.strokeStyle;
        ctx.lineWidth = 2;
        ctx.setLineDash([6, 4]);
        ctx.beginPath();
        if (horizontal) {
          ctx.moveTo(at, area.top); ctx.lineTo(at, area.bottom);
        } else {
          ctx.moveTo(area.left, at); ctx.lineTo(area.right, at);
        }
        ctx.stroke();
        ctx.setLineDash([]);
        ctx.font = "bold 12px system-ui, sans-serif";
        var text = target.label + ": " + target.value + "%";
        var width = ctx.measureText(text).width;
        var x = horizontal ? at + 4 : area.right - width - 6;
        var y = horizontal ? area.top + 14 + n * 16 : at - 5;
        ctx.fillStyle = "rgba(255, 255, 255, 0.85)";
        ctx.fillRect(x - 2, y - 12, width + 4, 15);
        ctx.fillStyle = ctx.strokeStyle;
        ctx.fillText(text, x, y);
      });
      ctx.restore();
    }
  };

  function draw(canvas) {
    var source = document.getElementById(canvas.getAttribute("data-chart"));
    if (!source || typeof window.Chart === "undefined") {
      return;
    }
    var spec = JSON.parse(source.textContent);
    var horizontal = spec.kind === "hbars";
    var datasets = spec.series.map(function (series, n) {
      return {
        label: series.label,
        data: series.values,
        low: series.low || null,
        high: series.high || null,
        backgroundColor: PALETTE[n % PALETTE.length]
      };
    });
    var valueAxis = {
      beginAtZero: true,
      max: spec.max || undefined,
      title: { display: !!spec.unit, text: spec.unit || "" }
    };
    var scales = horizontal ? { x: valueAxis } : { y: valueAxis };
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        indexAxis: horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: scales,
        plugins: {
          title: { display: !!spec.title, text: spec.title },
          legend: { display: datasets.length > 1 },
          cdhtWhiskersAndTargets: { targets: spec.targets || [] }
        }
      },
      plugins: [whiskersAndTargets]
    });
  }

  function drawAll() {
    var canvases = document.querySelectorAll("canvas[data-chart]");
    for (var i = 0; i < canvases.length; i++) {
      draw(canvases[i]);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
})();
