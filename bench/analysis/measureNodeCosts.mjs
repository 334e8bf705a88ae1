#!/usr/bin/env node
/**
 * Measures what requiring npm packages costs, the way the extension measures them (a fresh Node
 * per sample, GC before and after), for the built-in table of typical costs. Each group of
 * packages is installed from the registry into its own folder under the temp directory, so
 * several majors of one package can be measured side by side.
 *
 *   node bench/analysis/measureNodeCosts.mjs [--runs 5] [--only mongoose] > costs.csv
 *
 * Prints CSV rows: package,version,heap_mb,rss_mb,ms,cpu_ms (medians of the runs). On a shared
 * machine the wall time swells with the load; the CPU time of the require much less so.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' }, only: { type: 'string' } } });
const RUNS = Number(values.runs);
// Outside the repository: the installs are large, and packaging walks the whole tree.
const ROOT = join(tmpdir(), 'memory-budget-node-costs');

/** Groups installed together; a package that appears with several majors gets a group per major. */
const GROUPS = {
  latest: [
    'express@5',
    'fastify@5',
    'koa@3',
    'mongoose@9',
    'mongodb@7',
    'pg@8',
    'mysql2@3',
    'redis@5',
    'knex@3',
    'drizzle-orm',
    'sequelize@6',
    'typeorm@0.3',
    'discord.js@14',
    'openai@6',
    '@anthropic-ai/sdk',
    '@google/genai',
    'groq-sdk',
    'cohere-ai',
    '@langchain/core',
    '@langchain/openai',
    'ai',
    'telegraf@4',
    'node-telegram-bot-api',
    'grammy',
    'axios@1',
    'cheerio@1',
    'jsdom',
    'socket.io@4',
    'winston@3',
    'stripe',
    'nodemailer',
    'firebase-admin',
    '@slack/bolt',
    'twilio',
    'exceljs',
    'pdf-parse',
    'natural',
    'node-cron',
    'agenda',
    'zod',
    'joi',
    'jsonwebtoken',
    'dayjs',
    'date-fns',
    '@pinecone-database/pinecone',
    'tesseract.js',
  ],
  'next-16': ['next@16', 'react@19', 'react-dom@19'],
  'express-4': ['express@4'],
  'mongoose-8': ['mongoose@8'],
  'mongoose-7': ['mongoose@7'],
  'mongoose-6': ['mongoose@6'],
  'discord.js-13': ['discord.js@13'],
  'openai-4': ['openai@4'],
  'openai-3': ['openai@3'],
  'langchain-0.3': ['langchain@0.3', '@langchain/core@0.3'],
  'sequelize-7': ['@sequelize/core@7.0.0-alpha.46'],
  'fastify-4': ['fastify@4'],
  'redis-4': ['redis@4'],
  'mongodb-6': ['mongodb@6'],
};

const MEASURE = String.raw`
const { createRequire } = require('node:module');
const path = require('node:path');
const [spec, fromDir] = process.argv.slice(1);
const req = createRequire(path.join(fromDir, 'x.js'));
function usage() { global.gc(); global.gc(); return process.memoryUsage(); }
(async () => {
  await new Promise((r) => setImmediate(r));
  const before = usage();
  const t0 = process.hrtime.bigint();
  const c0 = process.cpuUsage();
  try { req(spec); } catch (e) { if (e && /ERR_REQUIRE_ESM|ERR_PACKAGE_PATH_NOT_EXPORTED|ERR_REQUIRE_ASYNC_MODULE/.test(e.code)) await import(req.resolve(spec)); else throw e; }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const c = process.cpuUsage(c0);
  const cpu = (c.user + c.system) / 1000;
  await new Promise((r) => setImmediate(r));
  const after = usage();
  console.log(JSON.stringify({ ms, cpu, heap: (after.heapUsed - before.heapUsed) / 1048576, rss: (after.rss - before.rss) / 1048576 }));
  process.exit(0);
})().catch((e) => { console.log(JSON.stringify({ error: String(e && e.message || e).slice(0, 200) })); process.exit(0); });
`;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const nameOf = (spec) => spec.replace(/(.)@[^@/]*$/, '$1');

const env = { ...process.env, PUPPETEER_SKIP_DOWNLOAD: '1', npm_config_fund: 'false', npm_config_audit: 'false' };
for (const key of Object.keys(env)) if (key.startsWith('npm_package_') || key === 'npm_lifecycle_event') delete env[key];

console.log('package,version,heap_mb,rss_mb,ms,cpu_ms');
for (const [group, specs] of Object.entries(GROUPS)) {
  if (values.only && !specs.some((s) => nameOf(s) === values.only)) continue;
  const dir = join(ROOT, group);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: `costs-${group.replace(/[^a-z0-9-]/gi, '-')}`, private: true }));
  try {
    if (!existsSync(join(dir, 'node_modules')))
      execFileSync('npm', ['install', '--no-save', '--ignore-scripts', '--legacy-peer-deps', ...specs], { cwd: dir, env, stdio: 'ignore' });
  } catch (err) {
    console.error(`${group}: install failed: ${err.message.split('\n')[0]}`);
    continue;
  }
  for (const spec of specs) {
    const name = nameOf(spec);
    if (group === 'next-16' && name !== 'next') continue;
    let version;
    try {
      version = JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      console.error(`${name}: not installed`);
      continue;
    }
    const samples = [];
    for (let r = 0; r < RUNS; r++) {
      const out = execFileSync(process.execPath, ['--expose-gc', '-e', MEASURE, name, dir], { cwd: dir, env, encoding: 'utf8' });
      const line = JSON.parse(out.trim().split('\n').pop());
      if (line.error) {
        console.error(`${name}@${version}: ${line.error}`);
        break;
      }
      samples.push(line);
    }
    if (samples.length < RUNS) continue;
    const row = [
      name,
      version,
      median(samples.map((s) => s.heap)),
      median(samples.map((s) => s.rss)),
      median(samples.map((s) => s.ms)),
      median(samples.map((s) => s.cpu)),
    ];
    console.log(row.map((v) => (typeof v === 'number' ? v.toFixed(2) : v)).join(','));
  }
}
