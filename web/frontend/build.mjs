// `npm run build`: bundle web/frontend/diagram.js (bpmn-js's NavigatedViewer and our markers)
// into web/static/js/diagram.bundle.js, minified; join bpmn-js's stylesheets and
// web/frontend/diagram.css into web/static/css/diagram.css; and put in
// web/static/vendor/bpmn-js/ what it needs and owes: bpmn-js's stylesheets and the licence of
// every package the bundle contains (bpmn-js's licence asks that its bpmn.io watermark stay).
// The results are committed, so `make run` needs no npm.

import { build } from 'esbuild';
import { bundledPackages, copyLicences } from './licences.mjs';
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');
const vendor = join(root, 'web/static/vendor/bpmn-js');
const bundle = join(root, 'web/static/js/diagram.bundle.js');

const result = await build({
  entryPoints: [join(root, 'web/frontend/diagram.js')],
  outfile: bundle,
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020'],
  legalComments: 'none', // the licences are copied whole below
  metafile: true,
  logLevel: 'warning'
});

rmSync(vendor, { recursive: true, force: true });
mkdirSync(vendor, { recursive: true });
for (const name of ['diagram-js.css', 'bpmn-js.css']) {
  copyFileSync(join(root, 'node_modules/bpmn-js/dist/assets', name), join(vendor, name));
}

const packages = bundledPackages(result.metafile);
const lines = copyLicences(root, vendor, packages);
copyFileSync(join(root, 'node_modules/bpmn-js/LICENSE'), join(vendor, 'LICENSE'));

// One stylesheet for the pages: bpmn-js's, then ours.
const sheets = ['diagram-js.css', 'bpmn-js.css'].map((name) => [
  `/* bpmn-js ${name} (web/static/vendor/bpmn-js/LICENSE) */`,
  readFileSync(join(vendor, name), 'utf8')
]);
writeFileSync(
  join(root, 'web/static/css/diagram.css'),
  '/* Built by `npm run build` from bpmn-js and web/frontend/diagram.css; do not edit. */\n' +
    [...sheets.flat(), readFileSync(join(root, 'web/frontend/diagram.css'), 'utf8')].join('\n')
);
writeFileSync(
  join(vendor, 'README.txt'),
  'Built by `npm run build` (web/frontend/build.mjs); do not edit.\n' +
    'web/static/js/diagram.bundle.js contains these packages:\n\n' +
    lines.join('\n') +
    '\n'
);
console.log(`diagram.bundle.js: ${packages.length} packages`);
