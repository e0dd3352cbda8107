// Draws the usage charts: every <canvas data-chart="{...}"> (figures from the page, see ChartView) becomes a Chart.js
// chart. Series differ by point style and dash pattern (bars: solid or hatched), not by colour alone, and the legend
// names them; the same figures are in the table under "Show data".
(function () {
  'use strict';
  var STYLES = ['circle', 'rect', 'triangle', 'rectRot', 'crossRot', 'star'];
  var DASHES = [[], [8, 4], [2, 3], [12, 4, 2, 4], [1, 6], [16, 6]];
  var COLOURS = ['#1d4ed8', '#b91c1c', '#047857', '#6d28d9', '#b45309', '#374151'];

  function bytes(v) {
    var units = ['B', 'KB', 'MB', 'GB', 'TB'];
    var u = 0;
    while (Math.abs(v) >= 1024 && u < units.length - 1) { v /= 1024; u++; }
    return (u === 0 ? v.toFixed(0) : v.toFixed(1)) + ' ' + units[u];
  }

  function hatch(colour) {
    var tile = document.createElement('canvas');
    tile.width = tile.height = 8;
    var g = tile.getContext('2d');
    g.fillStyle = '#ffffff';
    g.fillRect(0, 0, 8, 8);
    g.strokeStyle = colour;
    g.lineWidth = 2;
    g.beginPath();
    g.moveTo(0, 8); g.lineTo(8, 0);
    g.moveTo(-2, 2); g.lineTo(2, -2);
    g.moveTo(6, 10); g.lineTo(10, 6);
    g.stroke();
    return g.createPattern(tile, 'repeat');
  }

  function draw(canvas) {
    if (!window.Chart || Chart.getChart(canvas)) {
      return;
    }
    var d = JSON.parse(canvas.getAttribute('data-chart'));
    var line = d.kind === 'line';
    var format = d.unit === 'bytes' ? bytes : function (v) { return String(v); };
    var datasets = d.series.map(function (s) {
      var i = s.style % STYLES.length;
      var colour = COLOURS[i];
      return line ? {
        label: s.label, data: s.values, borderColor: colour, backgroundColor: colour, borderWidth: 2,
        borderDash: DASHES[i], pointStyle: STYLES[i], pointRadius: 4, pointHoverRadius: 6, tension: 0, spanGaps: false
      } : {
        label: s.label, data: s.values, borderColor: colour, borderWidth: 2,
        backgroundColor: i === 0 ? colour : hatch(colour)
      };
    });
    new Chart(canvas, {
      type: line ? 'line' : 'bar',
      data: { labels: d.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: true, position: 'bottom', labels: { usePointStyle: line, boxWidth: 28 } },
          tooltip: { callbacks: { label: function (ctx) { return ctx.dataset.label + ': ' + format(ctx.parsed.y); } } }
        },
        scales: {
          x: { ticks: { autoSkip: true, maxRotation: 0 } },
          y: { beginAtZero: true, ticks: { precision: 0, callback: function (v) { return format(v); } } }
        }
      }
    });
  }

  function drawAll() {
    Array.prototype.forEach.call(document.querySelectorAll('canvas[data-chart]'), draw);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', drawAll);
  } else {
    drawAll();
  }
})();
