#!/usr/bin/env node
// Runs every compiled benchmark (packages/*/dist/bench/*.bench.js, scripts/bench-*.js) in turn.
// Benchmarks print figures; nothing here asserts on time.
import { readdirSync, existsSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnSync } from 'node:child_process';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const files = [];
for (const pkg of readdirSync(join(root, 'packages'))) {
  const dir = join(root, 'packages', pkg, 'dist', 'bench');
  if (!existsSync(dir)) continue;
  for (const f of readdirSync(dir)) if (f.endsWith('.bench.js')) files.push(join(dir, f));
}
for (const f of readdirSync(join(root, 'scripts'))) if (/^bench-.*\.js$/.test(f)) files.push(join(root, 'scripts', f));
const only = process.argv[2];
let failed = 0;
for (const file of files) {
  if (only && !file.includes(only)) continue;
  console.log(`\n== ${file.slice(root.length + 1)}`);
  const r = spawnSync(process.execPath, [file], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
