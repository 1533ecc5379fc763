// What the three builds (build.mjs, build_modeller.mjs, build_dmn.mjs) do alike: bundle one
// entry with esbuild, fill the bundle's vendor folder with what it owes its packages, and
// write a stylesheet and the vendor folder's README from their parts. Paths are the
// repository's (`root`).

import { build } from 'esbuild';
import { copyFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { bundledPackages, copyLicences } from './licences.mjs';

export const root = join(dirname(new URL(import.meta.url).pathname), '..', '..');

// `entry` bundled into `outfile`, minified, one script for the page; `options` adds to (or
// overrides) esbuild's. Answers esbuild's result, with its metafile.
export function bundle(entry, outfile, options = {}) {
  return build({
    entryPoints: [join(root, entry)],
    outfile: join(root, outfile),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020'],
    legalComments: 'none', // the licences are copied whole (vendorLicences)
    metafile: true,
    logLevel: 'warning',
    ...options
  });
}

// Empty `vendor` and put in it the licence of every package in the bundle, and the licence of
// `main` (the package whose watermark must stay) as LICENSE; answer the README's lines.
export function vendorLicences(vendor, metafile, main) {
  rmSync(vendor, { recursive: true, force: true });
  const lines = copyLicences(root, vendor, bundledPackages(metafile));
  copyFileSync(join(root, 'node_modules', main, 'LICENSE'), join(vendor, 'LICENSE'));
  return lines;
}

export function writeStylesheet(target, header, parts) {
  writeFileSync(join(root, target), header + parts.join('\n'));
}

// The vendor folder's README: which build wrote it, what else it says, and the packages.
export function writeReadme(vendor, script, about, lines) {
  writeFileSync(
    join(vendor, 'README.txt'),
    `Built by \`npm run build\` (${script}); do not edit.\n` + about.join('\n') + '\n\n' + lines.join('\n') + '\n'
  );
}
