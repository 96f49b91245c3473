'use strict';
// bloc's partial Plotly.js: the core (the scatter trace and the components: axes, legend,
// shapes, annotations, colour bars, hover, mode bar) with the bar and heatmap traces, the
// only trace types bloc's charts draw (tests/web/test_plotly_bundle.py keeps it so).
// Plotly's documented way to make a custom bundle (CUSTOM_BUNDLE.md), without calendars.
var Plotly = require('plotly.js/lib/core');

Plotly.register([require('plotly.js/lib/bar'), require('plotly.js/lib/heatmap')]);

module.exports = Plotly;
