// bloc dashboard: draw every chart from the JSON data block beside it.
// Figures are data, not code: they are parsed with JSON.parse, never evaluated.
(function () {
  "use strict";
  function draw() {
    if (typeof Plotly === "undefined") { return; }
    var blocks = document.querySelectorAll("script[type='application/json'][data-chart-for]");
    var pending = blocks.length;
    if (!pending) { document.body.setAttribute("data-charts", "drawn"); }
    blocks.forEach(function (block) {
      var target = document.getElementById(block.getAttribute("data-chart-for"));
      if (!target) { pending -= 1; return; }
      var fig = JSON.parse(block.textContent);
      Plotly.newPlot(target, fig.data, fig.layout, { displaylogo: false, responsive: true })
        .then(function () {
          target.setAttribute("data-drawn", "true");
          // A node that carries a page address opens it when clicked.
          target.on("plotly_click", function (event) {
            var point = event.points && event.points[0];
            var url = point && point.customdata;
            if (typeof url === "string" && url.charAt(0) === "/" && url.charAt(1) !== "/") {
              window.location.assign(url);
            }
          });
          pending -= 1;
          if (pending === 0) { document.body.setAttribute("data-charts", "drawn"); }
        });
    });
  }
  // The as-of control applies as soon as a full date is picked.
  var asof = document.getElementById("asof");
  if (asof) {
    asof.addEventListener("change", function () {
      if (/^\d{4}-\d{2}-\d{2}$/.test(asof.value) && asof.form) { asof.form.submit(); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
