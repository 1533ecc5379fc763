// `npm run build` (third step): bundle web/frontend/dmn/index.js (dmn-js's Modeler, Swedish
// texts) into web/static/js/dmn.bundle.js, minified; join dmn-js's stylesheets, its icon font's
// and web/frontend/dmn/dmn.css into web/static/css/dmn.css, the font served from
// web/static/vendor/dmn-js/font/ (the CSP allows fonts from 'self' only, so no embedded or
// remote font); and put in web/static/vendor/dmn-js/ the licence of every package the bundle
// contains (dmn-js's licence asks that its bpmn.io watermark stay). The results are committed,
// so `make run` needs no npm.

import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { bundle, root, vendorLicences, writeReadme, writeStylesheet } from './bundling.mjs';

const assets = join(root, 'node_modules/dmn-js/dist/assets');
const vendor = join(root, 'web/static/vendor/dmn-js');
const SHEETS = [
  'diagram-js.css',
  'dmn-js-shared.css',
  'dmn-js-drd.css',
  'dmn-js-decision-table.css',
  'dmn-js-decision-table-controls.css',
  'dmn-js-literal-expression.css',
  'dmn-js-boxed-expression.css',
  'dmn-js-boxed-expression-controls.css'
];
const FONTS = [
  ['dmn.woff2', 'woff2'],
  ['dmn.woff', 'woff'],
  ['dmn.ttf', 'truetype']
];

// Every `import … from 'min-dom'` goes to our CSP-safe domify (web/frontend/dmn/csp_domify.js),
// which itself imports the real min-dom.
const shim = join(root, 'web/frontend/dmn/csp_domify.js');
const cspDomify = {
  name: 'csp-domify',
  setup(builder) {
    builder.onResolve({ filter: /^min-dom$/ }, (args) => (args.importer === shim ? undefined : { path: shim }));
  }
};

// CodeMirror (dmn-js's FEEL editor) styles itself through style-mod, which writes a <style>
// element into a document's head; the CSP refuses that. style-mod already knows constructable
// stylesheets (document.adoptedStyleSheets, which no style-src governs) and uses them for
// shadow roots: the bundle uses them for the document too. If a new style-mod no longer has the
// line, the build stops rather than ship a bundle the CSP would break.
const STYLE_MOD_TEST = 'if (!root.head && root.adoptedStyleSheets && win.CSSStyleSheet) {';
const adoptedStyles = {
  name: 'style-mod-adopted-sheets',
  setup(builder) {
    builder.onLoad({ filter: /style-mod[\\/]src[\\/]style-mod\.js$/ }, (args) => {
      const source = readFileSync(args.path, 'utf8');
      if (!source.includes(STYLE_MOD_TEST)) {
        throw new Error(`style-mod changed: "${STYLE_MOD_TEST}" not found in ${args.path}`);
      }
      const patched = source.replace(STYLE_MOD_TEST, 'if (root.adoptedStyleSheets && win.CSSStyleSheet) {');
      return { contents: patched, loader: 'js' };
    });
  }
};

const result = await bundle('web/frontend/dmn/index.js', 'web/static/js/dmn.bundle.js', {
  plugins: [cspDomify, adoptedStyles]
});
const lines = vendorLicences(vendor, result.metafile, 'dmn-js');
mkdirSync(join(vendor, 'font'));
for (const [font] of FONTS) {
  copyFileSync(join(assets, 'dmn-font/font', font), join(vendor, 'font', font));
}

// The icon font from our own server: only the @font-face is ours, the icon classes are dmn-js's.
const fontSheet = readFileSync(join(assets, 'dmn-font/css/dmn.css'), 'utf8');
const iconRules = fontSheet.slice(fontSheet.indexOf('[class^="dmn-icon-"]'));
const fontFace = [
  '@font-face {',
  "  font-family: 'dmn';",
  '  src: ' +
    FONTS.map(([font, format]) => `url('../vendor/dmn-js/font/${font}') format('${format}')`).join(',\n       ') +
    ';',
  '  font-weight: normal;',
  '  font-style: normal;',
  '}'
].join('\n');
const sheets = SHEETS.map((name) => [
  `/* dmn-js ${name} (web/static/vendor/dmn-js/LICENSE) */`,
  readFileSync(join(assets, name), 'utf8')
]);
writeStylesheet(
  'web/static/css/dmn.css',
  '/* Built by `npm run build` from dmn-js and web/frontend/dmn/dmn.css; do not edit. */\n',
  [
    ...sheets.flat(),
    '/* dmn-js dmn-font/css/dmn.css (web/static/vendor/dmn-js/LICENSE), served locally */',
    fontFace,
    iconRules,
    readFileSync(join(root, 'web/frontend/dmn/dmn.css'), 'utf8')
  ]
);
writeReadme(vendor, 'web/frontend/build_dmn.mjs', [
  "font/ is dmn-js's icon font (dmn-js/dist/assets/dmn-font), used by web/static/css/dmn.css.",
  'web/static/js/dmn.bundle.js contains these packages:'
], lines);
console.log(`dmn.bundle.js: ${lines.length} packages`);
