// `npm run build`: bundle web/frontend/diagram.js (bpmn-js's NavigatedViewer and our markers)
// into web/static/js/diagram.bundle.js, minified; join bpmn-js's stylesheets and
// web/frontend/diagram.css into web/static/css/diagram.css; and put in
// web/static/vendor/bpmn-js/ what it needs and owes: bpmn-js's stylesheets and the licence of
// every package the bundle contains (bpmn-js's licence asks that its bpmn.io watermark stay).
// The results are committed, so `make run` needs no npm.

import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { bundle, root, vendorLicences, writeReadme, writeStylesheet } from './bundling.mjs';

const vendor = join(root, 'web/static/vendor/bpmn-js');
const SHEETS = ['diagram-js.css', 'bpmn-js.css'];

const result = await bundle('web/frontend/diagram.js', 'web/static/js/diagram.bundle.js');
const lines = vendorLicences(vendor, result.metafile, 'bpmn-js');
for (const name of SHEETS) {
  copyFileSync(join(root, 'node_modules/bpmn-js/dist/assets', name), join(vendor, name));
}

// One stylesheet for the pages: bpmn-js's, then ours.
const sheets = SHEETS.map((name) => [
  `/* bpmn-js ${name} (web/static/vendor/bpmn-js/LICENSE) */`,
  readFileSync(join(vendor, name), 'utf8')
]);
writeStylesheet(
  'web/static/css/diagram.css',
  '/* Built by `npm run build` from bpmn-js and web/frontend/diagram.css; do not edit. */\n',
  [...sheets.flat(), readFileSync(join(root, 'web/frontend/diagram.css'), 'utf8')]
);
writeReadme(vendor, 'web/frontend/build.mjs', ['web/static/js/diagram.bundle.js contains these packages:'], lines);
console.log(`diagram.bundle.js: ${lines.length} packages`);
