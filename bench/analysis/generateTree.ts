import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * A large synthetic source tree for the scan benchmark: the corpus apps' files copied with
 * renamed identifiers, plus ordinary modules (utilities, handlers, services) that hold no
 * finding, in the proportions of a real monorepo (most files are not ORM code).
 */

function corpusFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...corpusFiles(p));
    else if (/\.(py|ts|js)$/.test(name)) out.push(p);
  }
  return out;
}

const TS_MODULE = (i: number) => `import { readFile } from 'node:fs/promises';
import type { Logger } from './logger';
import { formatDate } from '../util/dates';

export interface Item${i} { id: number; name: string; tags: string[]; createdAt: Date }

export class Service${i} {
  private readonly cache = new Map<number, Item${i}>();
  constructor(private readonly log: Logger) {}

  async load(path: string): Promise<Item${i}[]> {
    const raw = JSON.parse(await readFile(path, 'utf8')) as Item${i}[];
    for (const item of raw) this.cache.set(item.id, item);
    this.log.info(\`loaded \${raw.length} items at \${formatDate(new Date())}\`);
    return raw.filter((x) => x.tags.includes('active')).sort((a, b) => a.id - b.id);
  }

  find(id: number): Item${i} | undefined {
    return [...this.cache.values()].find((x) => x.id === id);
  }

  summary(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const item of this.cache.values()) for (const t of item.tags) counts[t] = (counts[t] ?? 0) + 1;
    return counts;
  }
}
`;

const PY_MODULE = (i: number) => `"""Helpers for module ${i}."""
import json
import logging
from dataclasses import dataclass, field
from typing import Iterable

log = logging.getLogger(__name__)


@dataclass
class Record${i}:
    id: int
    name: str
    tags: list = field(default_factory=list)


def parse(lines: Iterable[str]) -> list:
    out = []
    for line in lines:
        data = json.loads(line)
        out.append(Record${i}(data['id'], data['name'], data.get('tags', [])))
    log.info('parsed %d records', len(out))
    return out


def by_tag(records, tag):
    return [r for r in records if tag in r.tags]


class Index${i}:
    def __init__(self, records):
        self.by_id = {r.id: r for r in records}

    def get(self, key):
        return self.by_id.get(key)
`;

const JS_MODULE = (i: number) => `'use strict';
const path = require('node:path');
const { promisify } = require('node:util');

function handler${i}(req, res, next) {
  const page = Number(req.query.page || 0);
  const items = (req.app.locals.items || []).slice(page * 20, page * 20 + 20);
  if (!items.length) return next();
  res.json({ page, items: items.map((x) => ({ id: x.id, file: path.basename(x.file) })) });
}

const wait = promisify(setTimeout);
async function retry${i}(fn, times = 3) {
  for (let i = 0; i < times; i++) {
    try { return await fn(); } catch (err) { if (i === times - 1) throw err; await wait(100 * 2 ** i); }
  }
}

module.exports = { handler${i}, retry${i} };
`;

export function generateTree(root: string, corpus: string, fileCount: number): { files: number; bytes: number } {
  const samples = corpusFiles(corpus).map((f) => ({ rel: relative(corpus, f), text: readFileSync(f, 'utf8') }));
  let bytes = 0;
  for (let i = 0; i < fileCount; i++) {
    const pkg = join(root, `pkg${Math.floor(i / 200)}`, `mod${Math.floor(i / 20) % 10}`);
    mkdirSync(pkg, { recursive: true });
    let name: string;
    let text: string;
    if (i % 10 === 0) {
      const sample = samples[i % samples.length]!;
      name = `${i}_${sample.rel.replace(/[\\/]/g, '_')}`;
      text = sample.text;
    } else if (i % 3 === 0) {
      name = `mod${i}.py`;
      text = PY_MODULE(i);
    } else if (i % 3 === 1) {
      name = `service${i}.ts`;
      text = TS_MODULE(i);
    } else {
      name = `handler${i}.js`;
      text = JS_MODULE(i);
    }
    writeFileSync(join(pkg, name), text);
    bytes += Buffer.byteLength(text);
  }
  return { files: fileCount, bytes };
}

/** A 2,000-line TypeScript file of realistic code, with a few findings in it. */
export function largeFile(lines: number): string {
  const parts: string[] = [
    "import OpenAI from 'openai';",
    "import { PrismaClient } from '@prisma/client';",
    'const prisma = new PrismaClient();',
  ];
  let i = 0;
  while (parts.join('\n').split('\n').length < lines) {
    parts.push(TS_MODULE(i).split('\n').slice(3).join('\n'));
    parts.push(
      `export async function list${i}(where: object) {\n  const client = new OpenAI();\n  return prisma.item${i}.findMany({ where });\n}\n`,
    );
    i++;
  }
  return parts.join('\n').split('\n').slice(0, lines).join('\n');
}
