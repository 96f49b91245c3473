// bloc dashboard: draw every chart from the JSON data block beside it.
// Figures are data, not code: they are parsed with JSON.parse, never evaluated.
// Pages with a chart load Plotly.js before this script (base.html); others do not.
(function () {
  "use strict";
  var NARROW = "(max-width: 760px)"; // the same breakpoint as bloc.css

  function narrow() {
    return window.matchMedia && window.matchMedia(NARROW).matches;
  }

  // A text broken into lines of at most `chars` characters (Plotly does not wrap).
  function wrap(text, chars) {
    if (typeof text !== "string" || text.length <= chars || text.indexOf("<br") >= 0) {
      return text;
    }
    var lines = [""];
    text.split(" ").forEach(function (word) {
      var last = lines[lines.length - 1];
      if (last && last.length + 1 + word.length > chars) { lines.push(word); }
      else { lines[lines.length - 1] = last ? last + " " + word : word; }
    });
    return lines.join("<br>");
  }

  function wrapTitle(title, chars) {
    if (typeof title === "string") { return wrap(title, chars); }
    if (title && typeof title.text === "string") {
      return Object.assign({}, title, { text: wrap(title.text, chars) });
    }
    return title;
  }

  // Every axis makes room for its labels, long titles and notes are wrapped to the
  // chart's width, and no chart is wider than its box; on a phone the legend goes
  // below the plot and the mode bar (which covered legends) is off.
  function fitted(layout, small, width) {
    var out = Object.assign({}, layout);
    delete out.width;
    out.autosize = true;
    var across = Math.max(24, Math.floor((width || 600) / 7.5)); // characters of 12 px text
    var down = Math.max(16, Math.floor((out.height || 450) * 0.6 / 7.5));
    // An x title is centred on the plot, which wide labels on its left can push right.
    var beneath = Math.max(20, Math.floor((width || 600) * 0.6 / 7.5));
    Object.keys(out).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key) && out[key]) {
        var axis = Object.assign({}, out[key]);
        if (axis.automargin === undefined) { axis.automargin = true; }
        axis.title = wrapTitle(axis.title, key.charAt(0) === "x" ? beneath : down);
        out[key] = axis;
      }
    });
    out.title = wrapTitle(out.title, across);
    if (Array.isArray(out.annotations)) {
      out.annotations = out.annotations.map(function (note) {
        return Object.assign({}, note, { text: wrap(note.text, across) });
      });
    }
    if (small) {
      out.margin = Object.assign({}, out.margin || {});
      ["l", "r"].forEach(function (side) {
        if (out.margin[side] === undefined || out.margin[side] > 30) { out.margin[side] = 30; }
      });
      var below = out.legend && out.legend.orientation === "h" && out.legend.y < 0;
      if (out.showlegend !== false && (below || !(out.legend && out.legend.orientation === "h"))) {
        out.legend = Object.assign({}, out.legend || {}, {
          orientation: "h", x: 0, xanchor: "left", y: 0, yref: "container", yanchor: "bottom"
        });
      }
    }
    return out;
  }

  // Legend entries and long category labels (a bar's name) wrapped to the chart's width.
  function fittedTrace(trace, width) {
    var out = Object.assign({}, trace);
    var across = Math.max(24, Math.floor(width / 8));
    if (typeof out.name === "string") { out.name = wrap(out.name, across); }
    var side = Math.max(16, Math.floor(width * 0.35 / 7));
    ["x", "y"].forEach(function (key) {
      if (Array.isArray(out[key])) {
        out[key] = out[key].map(function (v) {
          return typeof v === "string" && v.indexOf(" ") > 0 ? wrap(v, side) : v;
        });
      }
    });
    return out;
  }

  // A date axis whose traces all sit on one day: Plotly would zoom to milliseconds
  // around it (labels like 23:59:59.999); a year around the day reads as meant.
  function singleDay(layout, data) {
    var days = {};
    data.forEach(function (trace) {
      if ((trace.xaxis || "x") !== "x" || !Array.isArray(trace.x)) { return; }
      trace.x.forEach(function (v) { if (v !== null && v !== undefined) { days[v] = true; } });
    });
    var only = Object.keys(days);
    var axis = layout.xaxis || {};
    if (only.length !== 1 || !/^\d{4}-\d{2}-\d{2}/.test(only[0]) || axis.range) { return layout; }
    var day = new Date(only[0].slice(0, 10) + "T00:00:00Z").getTime();
    var half = 183 * 86400000;
    var iso = function (ms) { return new Date(ms).toISOString().slice(0, 10); };
    return Object.assign({}, layout, {
      xaxis: Object.assign({}, axis, { type: "date", range: [iso(day - half), iso(day + half)] })
    });
  }

  // Category labels wrapped to several lines need rows tall enough to keep apart.
  function tallEnough(layout, data) {
    var rows = {};
    var lines = 1;
    data.forEach(function (trace) {
      (Array.isArray(trace.y) ? trace.y : []).forEach(function (v) {
        if (typeof v !== "string") { return; }
        rows[v] = true;
        lines = Math.max(lines, v.split("<br>").length);
      });
    });
    var count = Object.keys(rows).length;
    if (lines < 2 || !count) { return layout; }
    var needed = count * (lines * 15 + 8) + 110;
    return needed > (layout.height || 450) ? Object.assign({}, layout, { height: needed }) : layout;
  }

  // Charts in the first screen are drawn at once; the others when they come within 200 px
  // of the window (and all before printing). Drawing is most of a chart page's
  // load (NATO's overview: four charts, about 0.6 s of Plotly's work in a fresh tab), a
  // reader sees the first screen first, and a chart drawn while the page has nothing to
  // do would still hold the page (a click, a key) for up to a few hundred ms.
  // body[data-first-screen=drawn]: every chart in the first screen is drawn;
  // body[data-charts=drawn]: every chart on the page is drawn.
  function draw() {
    var blocks = document.querySelectorAll("script[type='application/json'][data-chart-for]");
    var body = document.body;
    var charts = [];
    blocks.forEach(function (block) {
      var target = document.getElementById(block.getAttribute("data-chart-for"));
      if (target) { charts.push({ block: block, target: target, started: false }); }
    });
    if (!charts.length) {
      body.setAttribute("data-first-screen", "drawn");
      body.setAttribute("data-charts", "drawn");
      return;
    }
    if (typeof Plotly === "undefined") { return; }
    var pending = charts.length;
    // The figure fitted to its box's width (and the screen's size) when it is drawn.
    function fit(chart, width) {
      var small = narrow();
      var fig = JSON.parse(chart.block.textContent);
      chart.width = width;
      chart.data = (fig.data || []).map(function (trace) { return fittedTrace(trace, width); });
      chart.layout = tallEnough(singleDay(fitted(fig.layout || {}, small, width), chart.data), chart.data);
      chart.config = { displaylogo: false, responsive: true, displayModeBar: small ? false : "hover" };
    }
    // Each box keeps its chart's height from the start, so the page does not jump when a
    // chart further down is drawn, and what lies in the first screen is known.
    var widths = charts.map(function (chart) { return chart.target.clientWidth; });  // one layout
    charts.forEach(function (chart, i) {
      fit(chart, widths[i]);
      chart.target.style.minHeight = (chart.layout.height || 450) + "px";
    });
    var screen = window.innerHeight || document.documentElement.clientHeight;
    var first = charts.filter(function (c) { return c.target.getBoundingClientRect().top < screen; });
    var firstPending = first.length;
    if (!firstPending) { body.setAttribute("data-first-screen", "drawn"); }

    function plot(chart) {
      if (chart.started) { return; }
      chart.started = true;
      var target = chart.target;
      if (target.clientWidth !== chart.width) { fit(chart, target.clientWidth); }  // resized since
      Plotly.newPlot(target, chart.data, chart.layout, chart.config)
        .then(function () {
          target.style.minHeight = "";
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
          if (first.indexOf(chart) >= 0) {
            firstPending -= 1;
            if (firstPending === 0) { body.setAttribute("data-first-screen", "drawn"); }
          }
          if (pending === 0) { body.setAttribute("data-charts", "drawn"); }
        });
    }

    first.forEach(plot);
    var rest = charts.filter(function (c) { return !c.started; });
    if (!rest.length) { return; }
    if (!window.IntersectionObserver) { rest.forEach(plot); return; }
    var watcher = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (!entry.isIntersecting) { return; }
        watcher.unobserve(entry.target);
        rest.forEach(function (c) { if (c.target === entry.target) { plot(c); } });
      });
    }, { rootMargin: "200px 0px" });  // a little ahead of the reader
    rest.forEach(function (c) { watcher.observe(c.target); });
    window.addEventListener("beforeprint", function () { rest.forEach(plot); });
  }

  // The narrow screen's menu: the button opens and closes it.
  var header = document.querySelector("header.top");
  var button = header && header.querySelector(".menu-button");
  if (button) {
    button.addEventListener("click", function () {
      var open = header.classList.toggle("open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
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
