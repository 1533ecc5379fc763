// What each build owes the packages it bundles: their licences, copied whole beside the built
// files (the bundles are minified without legal comments), and a README line per package.

import { copyFileSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// The npm packages whose code esbuild put in a bundle, from its metafile, sorted.
export function bundledPackages(metafile) {
  const packages = new Set();
  for (const input of Object.keys(metafile.inputs)) {
    const match = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
    if (match) {
      packages.add(match[1]);
    }
  }
  return [...packages].sort();
}

// Copy each package's licence file into `<vendor>/licenses/`; answer one line per package
// ("name version (licence): licenses/file") for the vendor folder's README.
export function copyLicences(root, vendor, packages) {
  mkdirSync(join(vendor, 'licenses'), { recursive: true });
  return packages.map((name) => {
    const folder = join(root, 'node_modules', name);
    const { version, license } = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));
    const file = readdirSync(folder).sort().find((f) => /^licen[cs]e/i.test(f));
    const copy = `${name.replace('/', '__')}.LICENSE.txt`;
    if (file) {
      copyFileSync(join(folder, file), join(vendor, 'licenses', copy));
    }
    const where = file ? `: licenses/${copy}` : ' (the package ships no licence file)';
    return `${name} ${version} (${license})${where}`;
  });
}
