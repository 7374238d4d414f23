#!/usr/bin/env node
// Regenerates the golden files of the web-platform conformance test (JsWebConformanceTest).
//
// For every AREA under runner/src/test/resources/web-conformance/, AREA.cases.json lists inputs
// and AREA.runner.js turns one input into a plain record. This script evaluates the runner in
// Node.js (whose URL, encoding, fetch, structuredClone and WebCrypto follow the standards and pass
// the web-platform tests) and writes AREA.expected.json: one { case, out } per input, in order.
// The worker side evaluates the same runner file verbatim and compares with these records.
// Cases marked "exclude" are recorded too; the Java test skips them.
//
// Usage: node scripts/regen-web-conformance.mjs [AREA...]     (no names: every area)
// Needs: Node.js 20 (checked; another major version may disagree in small details).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', 'runner', 'src', 'test', 'resources', 'web-conformance');
const major = Number(process.versions.node.split('.')[0]);
if (major !== 20) {
  console.error(`error: expected Node.js 20, this is ${process.version}`);
  process.exit(3);
}

const wanted = process.argv.slice(2);
const areas = readdirSync(dir).filter((f) => f.endsWith('.cases.json')).map((f) => f.slice(0, -'.cases.json'.length))
  .filter((a) => wanted.length === 0 || wanted.includes(a)).sort();
for (const area of areas) {
  const { cases } = JSON.parse(readFileSync(join(dir, `${area}.cases.json`), 'utf8'));
  // Indirect eval: the runner sees only globals, exactly as in a worker module.
  const run = (0, eval)(readFileSync(join(dir, `${area}.runner.js`), 'utf8'));
  const results = [];
  for (const c of cases) results.push({ case: c, out: await run(c) });
  const text = '{\n  "generatedBy": "scripts/regen-web-conformance.mjs with Node.js ' + process.version + '",\n'
    + '  "results": [\n' + results.map((r) => '    ' + JSON.stringify(r)).join(',\n') + '\n  ]\n}\n';
  writeFileSync(join(dir, `${area}.expected.json`), text);
  console.log(`${area}: ${cases.length} cases (${cases.filter((c) => c.exclude).length} excluded)`);
}
