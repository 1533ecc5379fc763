// `npm run build`, part two: the BPMN modeller. Bundles web/frontend/modeller/index.js (bpmn-js's
// Modeler, bpmn-js-properties-panel, the moddle extensions, Sif's panel groups written as JSX
// for the panel's own preact) into web/static/js/modeller.bundle.js, minified; joins the
// stylesheets of bpmn-js, its properties panel and web/frontend/modeller/modeller.css into
// web/static/css/modeller.css; and puts in web/static/vendor/modeller/ the licence of every
// package in the bundle and a README listing them (bpmn-js's licence asks that its bpmn.io
// watermark stay, and it does). The results are committed, so `make run` needs no npm.

import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { bundle, root, vendorLicences, writeReadme, writeStylesheet } from './bundling.mjs';

const vendor = join(root, 'web/static/vendor/modeller');

// bpmn-js-properties-panel writes two containers as HTML with style="" attributes, which the
// Content-Security-Policy (style-src 'self') refuses, with a console error each time. The
// attributes are taken out here and the same rules given in modeller.css.
const INLINE_STYLES = ['style="height: 100%" ', 'style="flex: none; height: auto" '];
const noInlineStyles = {
  name: 'no-inline-styles',
  setup(builder) {
    builder.onLoad({ filter: /bpmn-js-properties-panel[\/]dist[\/]index\.esm\.js$/ }, (args) => {
      let text = readFileSync(args.path, 'utf8');
      for (const style of INLINE_STYLES) {
        if (!text.includes(style)) {
          throw new Error(`bpmn-js-properties-panel no longer writes ${style}: check modeller.css`);
        }
        text = text.replaceAll(style, '');
      }
      return { contents: text, loader: 'js' };
    });
  }
};

const result = await bundle('web/frontend/modeller/index.js', 'web/static/js/modeller.bundle.js', {
  jsx: 'automatic',
  jsxImportSource: '@bpmn-io/properties-panel/preact',
  // The panel and bpmn-js-properties-panel must share one preact (hooks keep global state).
  alias: { preact: '@bpmn-io/properties-panel/preact' },
  plugins: [noInlineStyles]
});

const lines = vendorLicences(vendor, result.metafile, 'bpmn-js');
// preact ships inside @bpmn-io/properties-panel with its own licence.
const preactLicence = join(root, 'node_modules/@bpmn-io/properties-panel/preact/LICENSE');
copyFileSync(preactLicence, join(vendor, 'licenses', 'preact.LICENSE.txt'));
lines.push('preact (bundled in @bpmn-io/properties-panel/preact; MIT): licenses/preact.LICENSE.txt');
// The palette's icon font, served from here: the CSP allows fonts from 'self' only, so not the
// font embedded as a data: URL.
mkdirSync(join(vendor, 'bpmn-font'));
for (const font of ['bpmn.woff2', 'bpmn.woff']) {
  copyFileSync(join(root, 'node_modules/bpmn-js/dist/assets/bpmn-font/font', font), join(vendor, 'bpmn-font', font));
}
const fontFace = (css) =>
  css.replace(/@font-face\s*{[^}]*}/, () =>
    "@font-face {\n  font-family: 'bpmn';\n  src: url('../vendor/modeller/bpmn-font/bpmn.woff2') format('woff2'),\n" +
    "       url('../vendor/modeller/bpmn-font/bpmn.woff') format('woff');\n  font-weight: normal;\n  font-style: normal;\n}");

// One stylesheet for the page: bpmn-js's, the properties panel's, then ours.
const sheets = [
  ['bpmn-js', 'node_modules/bpmn-js/dist/assets/diagram-js.css'],
  ['bpmn-js', 'node_modules/bpmn-js/dist/assets/bpmn-js.css'],
  ['bpmn-js', 'node_modules/bpmn-js/dist/assets/bpmn-font/css/bpmn.css'],
  ['@bpmn-io/properties-panel', 'node_modules/@bpmn-io/properties-panel/dist/assets/properties-panel.css'],
  ['bpmn-js-properties-panel', 'node_modules/bpmn-js-properties-panel/dist/assets/bpmn-js-properties-panel.css']
].filter(([, path]) => existsSync(join(root, path)));
writeStylesheet(
  'web/static/css/modeller.css',
  '/* Built by `npm run build` (web/frontend/build_modeller.mjs) from bpmn-js, its properties\n' +
    '   panel and web/frontend/modeller/modeller.css; do not edit. */\n',
  [
    ...sheets.map(([name, path]) =>
      `/* ${name}: ${path.replace('node_modules/', '')} (web/static/vendor/modeller/licenses) */\n` +
        fontFace(readFileSync(join(root, path), 'utf8'))
    ),
    readFileSync(join(root, 'web/frontend/modeller/modeller.css'), 'utf8')
  ]
);
writeReadme(vendor, 'web/frontend/build_modeller.mjs', [
  'web/static/js/modeller.bundle.js and web/static/css/modeller.css contain these packages:'
], lines);
console.log(`modeller.bundle.js: ${lines.length} packages`);
