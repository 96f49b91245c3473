'use strict';
// Bundle entry.js as plotly.js builds its own dist files (its esbuild-config.js: the same
// plugins, aliases, defines and target), minified. Run by scripts/vendor_plotly.py.
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');

const [outfile, banner] = process.argv.slice(2);
esbuild
    .build({
        entryPoints: ['./entry.js'],
        outfile,
        format: 'iife',
        globalName: 'Plotly',
        bundle: true,
        minify: true,
        sourcemap: false,
        banner: { js: banner },
        plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
        alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
        define: { global: 'window', 'define.amd': 'false' },
        target: 'es2016',
        logLevel: 'warning'
    })
    .catch(() => process.exit(1));
