#!/usr/bin/env node
// Times citeproc-js (through Citation.js, as ../shared/tools/cite-oracle
// runs it) formatting a bibliography, for BenchmarkCiteprocAPA.
// Usage: NODE_PATH=DIR/node_modules node citeproc-bench.js ITEMS.json STYLE.csl RUNS
// Prints {"runs":N,"entries":M,"ns":T} where T covers the RUNS formatting
// calls after one warm-up call (items parsed and style registered before).
'use strict';
const fs = require('fs');
const { Cite, plugins } = require('@citation-js/core');
require('@citation-js/plugin-csl');

const [file, stylePath, runsArg] = process.argv.slice(2);
const runs = Number(runsArg || 1);
const cfg = plugins.config.get('@csl');
cfg.styles.add('annals-bench', fs.readFileSync(stylePath, 'utf8'));
const cite = new Cite(JSON.parse(fs.readFileSync(file, 'utf8')));
const opts = { format: 'text', template: 'annals-bench', lang: 'en-US' };
const entries = cite.format('bibliography', opts).trim().split('\n').length;
const t0 = process.hrtime.bigint();
for (let i = 0; i < runs; i++) cite.format('bibliography', opts);
const ns = Number(process.hrtime.bigint() - t0);
console.log(JSON.stringify({ runs, entries, ns }));
