#!/usr/bin/env node
// Rewrites a W3C test suite's package.json (in the suite checkout, never in
// the Sen repo) so that GitHub-only dependencies point at locally packed
// tarballs, and pins them transitively with npm `overrides`.
//
// usage: node rewrite-deps.mjs <suite-dir> <name>=<path.tgz> [...]
import {readFileSync, writeFileSync, existsSync, copyFileSync} from 'node:fs';
import {join, resolve} from 'node:path';

const [suiteDir, ...pairs] = process.argv.slice(2);
if(!suiteDir) {
  console.error('usage: rewrite-deps.mjs <suite-dir> name=/abs/file.tgz ...');
  process.exit(2);
}
const tarballs = Object.fromEntries(pairs.map(p => {
  const i = p.indexOf('=');
  return [p.slice(0, i), 'file:' + resolve(p.slice(i + 1))];
}));
const file = join(suiteDir, 'package.json');
const orig = join(suiteDir, 'package.json.orig');
const isRemote = v => typeof v === 'string' &&
  /^(github:|git\+|git:|https?:\/\/github\.com)|^[\w.-]+\/[\w.-]+(#.*)?$/.test(v);
const hasRemote = p => ['dependencies', 'devDependencies'].some(
  section => Object.values(p[section] || {}).some(isRemote));
// package.json.orig keeps the upstream file; a package.json that still has
// GitHub specs is upstream (first run, or the checkout was updated)
if(!existsSync(orig) || hasRemote(JSON.parse(readFileSync(file, 'utf8')))) {
  copyFileSync(file, orig);
}
const pkg = JSON.parse(readFileSync(orig, 'utf8'));
for(const section of ['dependencies', 'devDependencies']) {
  const deps = pkg[section] || {};
  for(const [name, spec] of Object.entries(deps)) {
    if(isRemote(spec)) {
      if(!tarballs[name]) {
        console.error(`no tarball given for GitHub dependency ${name} (${spec})`);
        process.exit(1);
      }
      deps[name] = tarballs[name];
    }
  }
  // lint / report tooling is not needed to run the tests
  if(section === 'devDependencies') {
    for(const name of Object.keys(deps)) {
      if(/^(eslint|allure)/.test(name)) {
        delete deps[name];
      }
    }
  }
}
pkg.overrides = {...(pkg.overrides || {}), ...tarballs};
writeFileSync(file, JSON.stringify(pkg, null, 2) + '\n');
console.log(`rewrote ${file}`);
