import type { Ecosystem } from '../model';
import { upstreamVersion } from './pins';

/**
 * Typical import costs, for when measuring is not possible (untrusted workspace, package not
 * installed, CLI with --no-measure). Measured on a 2-core Linux machine, Node 20 and Debian 12's
 * Python 3.11, median of 5 fresh processes: heap = V8 heapUsed after GC / tracemalloc; rss =
 * VmRSS delta, an upper bound. npm rows come from bench/analysis/measureNodeCosts.mjs (several
 * majors of the packages whose APIs and weight changed); Python rows from Debian's packages, so
 * their versions are Debian's (written here as the upstream version they package).
 */
export interface TableEntry {
  readonly ecosystem: Ecosystem;
  readonly module: string;
  readonly version: string;
  readonly heapMB: number;
  readonly rssMB: number;
  readonly loadMs: number;
  /** Set for figures estimated from a package's dependencies rather than measured. */
  readonly estimate?: string;
}

type Row = [Ecosystem, string, string, number, number, number];

const MEASURED: Row[] = [
  ['python', 'torch', '1.13.1+dfsg-4', 43.3, 218.68, 1164.4],
  ['python', 'nltk', '3.8-1', 70.52, 114.8, 699.8],
  ['node', 'googleapis', '178.0.0', 55.66, 106.57, 916.3],
  ['python', 'sklearn.ensemble', '1.2.1+dfsg-1', 55.89, 97.02, 1050.0],
  ['python', 'scipy.stats', '1.10.1-2', 31.94, 63.3, 289.3],
  ['python', 'pandas', '1.5.3+dfsg-2', 30.13, 53.41, 282.5],
  ['python', 'matplotlib.pyplot', '3.6.3-1+b1', 30.0, 49.17, 350.2],
  ['python', 'openpyxl', '3.0.9-1', 18.97, 39.84, 191.6],
  ['python', 'sympy', '1.11.1-1', 33.59, 37.57, 298.5],
  ['node', 'whatsapp-web.js', '1.34.7', 12.58, 37.53, 303.7],
  ['node', 'langchain', '1.5.14', 12.16, 37.34, 417.0],
  ['node', 'discord.js', '14.28.1', 10.12, 35.16, 305.1],
  ['node', 'mongoose', '9.12.1', 9.63, 32.23, 228.0],
  ['python', 'boto3', '1.26.27+dfsg-1', 20.74, 30.72, 243.4],
  ['node', '@tensorflow/tfjs', '4.22.0', 13.73, 27.18, 184.3],
  ['python', 'sqlalchemy.orm', '1.4.46+ds1-1', 19.39, 27.18, 194.3],
  ['node', 'xlsx', '0.18.5', 11.19, 26.7, 209.9],
  ['python', 'discord', '2.2.2+dfsg-1', 17.72, 26.58, 146.6],
  ['node', 'sequelize', '6.37.8', 6.13, 25.75, 153.0],
  ['node', 'bull', '4.16.5', 4.98, 25.71, 144.1],
  ['python', 'googleapiclient.discovery', '1.7.12-1', 16.64, 24.98, 165.2],
  ['python', 'mongoengine', '0.24.2-4', 13.63, 24.87, 90.6],
  ['python', 'httpx', '0.23.3-1', 16.26, 24.05, 151.1],
  ['python', 'sqlalchemy', '1.4.46+ds1-1', 15.29, 22.74, 153.8],
  ['python', 'numpy', '1:1.24.2-1+deb12u1', 9.38, 22.13, 54.3],
  ['node', 'puppeteer', '24.43.1', 5.48, 21.87, 179.2],
  ['node', 'typeorm', '1.1.1', 6.37, 21.26, 149.6],
  ['node', 'pdfkit', '0.20.2', 4.85, 20.99, 157.0],
  ['python', 'django.db.models', '3:3.2.25-0+deb12u7', 14.22, 20.76, 119.2],
  ['node', 'aws-sdk', '2.1693.0', 4.5, 20.65, 144.7],
  ['node', '@aws-sdk/client-s3', '3.1173.0', 4.23, 20.37, 96.1],
  ['python', 'aiohttp', '3.8.4-1+deb12u2', 11.73, 20.0, 130.3],
  ['python', 'tweepy', '4.12.1-3', 12.62, 19.67, 74.4],
  ['python', 'flask', '2.2.2-3', 12.88, 19.41, 109.7],
  ['python', 'fastapi', '0.92.0-1', 12.32, 18.98, 140.4],
  ['node', 'sharp', '0.35.5', 1.79, 18.83, 84.4],
  ['node', 'bullmq', '6.7.0', 4.94, 18.52, 111.4],
  ['python', 'pymongo', '3.11.0-1+deb12u1', 10.2, 18.05, 88.8],
  ['python', 'requests', '2.28.1+dfsg-1', 10.26, 16.89, 87.1],
  ['node', '@anthropic-ai/sdk', '1.12.0', 3.99, 16.84, 270.9],
  ['node', 'grammy', '1.46.0', 3.91, 16.2, 67.9],
  ['node', 'telegraf', '4.16.3', 3.43, 16.18, 59.9],
  ['node', 'ioredis', '5.11.1', 1.58, 15.88, 50.7],
  ['python', 'peewee', '3.14.10+dfsg-1+b3', 5.87, 15.62, 38.5],
  ['node', 'express', '5.3.0', 2.87, 15.51, 117.2],
  ['python', 'redis', '4.3.4-3', 9.44, 15.48, 79.2],
  ['python', 'grpc', '1.51.1-3+b1', 6.2, 15.45, 53.4],
  ['node', 'fastify', '5.12.8', 2.8, 15.1, 106.3],
  ['python', 'selenium.webdriver', '4.8.3+dfsg-1', 8.34, 14.98, 90.1],
  ['node', 'firebase-admin', '13.10.0', 2.44, 14.15, 80.1],
  ['python', 'bs4', '4.11.2-2', 7.18, 13.39, 75.6],
  ['node', 'rxjs', '7.8.2', 1.35, 10.63, 68.3],
  ['node', 'openai', '6.49.0', 1.52, 10.36, 266.2],
  ['python', 'psycopg2', '2.9.5-1+b1', 1.97, 9.69, 38.2],
  ['python', 'lxml.etree', '4.9.2-1+deb12u1', 1.89, 7.71, 15.5],
  ['python', 'google.auth', '1.5.1-3', 3.55, 7.64, 27.4],
  ['python', 'PIL.Image', '9.4.0-1.1+deb12u1', 2.5, 6.16, 23.2],
  ['node', '@prisma/client', '7.10.0', 1.57, 5.88, 41.5],
  ['python', 'pydantic', '1.10.4-1+deb12u1', 4.23, 5.76, 40.6],
  ['node', 'lodash', '4.18.1', 1.4, 4.55, 13.2],
  ['python', 'yaml', '6.0-3+b2', 1.0, 1.83, 13.4],
  ['node', 'moment', '2.31.0', 0.37, 1.25, 6.2],
  ['python', 'django', '3:3.2.25-0+deb12u7', 1.04, 1.21, 7.2],
  ['node', '@google/generative-ai', '0.24.1', 0.2, 1.0, 5.3],
  ['python', 'celery', '5.2.6-5', 0.13, 0.45, 1.1],
];

/** More npm packages and older majors (measureNodeCosts.mjs); load time is the CPU time of the require. */
const MEASURED_NODE: Row[] = [
  ['node', 'koa', '3.3.0', 2.53, 14.21, 96.5],
  ['node', 'mongodb', '7.9.0', 6.57, 23.91, 202.1],
  ['node', 'pg', '8.23.1', 2.58, 15.33, 104.8],
  ['node', 'mysql2', '3.24.6', 2.58, 16.41, 118.4],
  ['node', 'redis', '5.12.1', 4.07, 19.38, 295.8],
  ['node', 'knex', '3.3.0', 2.01, 14.54, 193.2],
  ['node', 'drizzle-orm', '0.45.4', 1.2, 8.76, 89.9],
  ['node', 'typeorm', '0.3.31', 7.17, 26.68, 354.0],
  ['node', '@anthropic-ai/sdk', '1.14.0', 4.34, 19.71, 235.6],
  ['node', '@google/genai', '2.32.0', 4.33, 21.01, 167.5],
  ['node', 'groq-sdk', '1.6.0', 0.5, 6.71, 30.4],
  ['node', 'cohere-ai', '8.1.0', 6.07, 27.74, 452.1],
  ['node', '@langchain/core', '1.4.0', 0.16, 1.12, 6.3],
  ['node', '@langchain/openai', '1.5.8', 10.67, 33.15, 552.7],
  ['node', 'ai', '6.0.326', 6.16, 22.71, 238.3],
  ['node', 'node-telegram-bot-api', '2.1.0', 0.54, 6.26, 22.6],
  ['node', 'axios', '1.21.1', 4.3, 19.81, 177.9],
  ['node', 'cheerio', '1.2.0', 6.57, 27.7, 235.8],
  ['node', 'jsdom', '29.1.1', 28.84, 88.1, 1098.2],
  ['node', 'socket.io', '4.8.4', 2.76, 15.78, 131.5],
  ['node', 'winston', '3.19.0', 1.64, 10.84, 109.8],
  ['node', 'stripe', '23.1.0', 3.19, 16.44, 168.0],
  ['node', 'nodemailer', '10.6.1', 2.27, 12.91, 85.4],
  ['node', '@slack/bolt', '5.1.0', 7.37, 30.03, 380.6],
  ['node', 'twilio', '6.3.1', 6.06, 24.96, 337.5],
  ['node', 'exceljs', '4.4.0', 9.03, 30.8, 560.5],
  ['node', 'pdf-parse', '2.4.5', 2.36, 26.34, 99.7],
  ['node', 'natural', '8.1.1', 46.36, 107.81, 1333.1],
  ['node', 'node-cron', '4.6.0', 0.79, 4.0, 38.0],
  ['node', 'agenda', '6.2.6', 3.23, 23.75, 225.7],
  ['node', 'zod', '4.6.7', 2.99, 12.63, 106.0],
  ['node', 'joi', '18.3.2', 1.73, 10.99, 78.1],
  ['node', 'jsonwebtoken', '9.0.3', 0.82, 9.83, 69.8],
  ['node', 'dayjs', '1.11.23', 0.0, 0.63, 3.0],
  ['node', 'date-fns', '4.4.0', 2.05, 12.77, 136.7],
  ['node', '@pinecone-database/pinecone', '8.2.0', 4.87, 20.75, 247.4],
  ['node', 'tesseract.js', '7.0.0', 0.45, 7.18, 28.5],
  ['node', 'next', '16.4.6', 3.31, 15.43, 125.3],
  ['node', 'express', '4.22.3', 3.0, 16.42, 139.7],
  ['node', 'mongoose', '8.24.10', 9.6, 34.71, 440.2],
  ['node', 'mongoose', '7.8.13', 9.27, 30.59, 325.9],
  ['node', 'mongoose', '6.13.11', 9.55, 33.0, 310.1],
  ['node', 'discord.js', '13.17.1', 7.82, 28.02, 321.1],
  ['node', 'openai', '4.104.0', 4.12, 18.97, 159.8],
  ['node', 'openai', '3.3.0', 1.32, 10.79, 56.0],
  ['node', '@langchain/core', '0.3.80', 0.0, 1.13, 5.8],
  ['node', '@sequelize/core', '7.0.0-alpha.46', 7.37, 27.82, 456.1],
  ['node', 'fastify', '4.29.1', 3.83, 18.48, 216.1],
  ['node', 'redis', '4.7.1', 3.42, 30.14, 271.1],
  ['node', 'mongodb', '6.22.0', 6.47, 24.83, 182.9],
];

/**
 * Not in the measured set; estimated from the measured cost of what each one imports at load
 * (httpx, pydantic, grpc, google.auth, requests …), rounded up. Replace by measuring.
 */
const ESTIMATED: Array<[...Row, string]> = [
  ['python', 'openai', '1.x', 25, 40, 350, 'httpx + pydantic + its generated types'],
  ['python', 'anthropic', '0.x', 25, 40, 350, 'httpx + pydantic + its generated types'],
  ['python', 'litellm', '1.x', 80, 150, 1500, 'openai + tiktoken + tokenizers + httpx + pydantic'],
  ['python', 'google.generativeai', '0.x', 30, 50, 400, 'google.api_core + grpc + protobuf + google.auth'],
  ['python', 'gspread', '5.x', 14, 25, 120, 'requests + google.auth'],
  ['python', 'telegram', '20.x', 20, 30, 200, 'httpx + its own handlers'],
  ['python', 'tiktoken', '0.x', 3, 10, 60, 'regex + requests (encodings load lazily)'],
  ['python', 'transformers', '4.x', 60, 150, 1500, 'torch-free import of its model registry'],
];

export const IMPORT_COST_TABLE: readonly TableEntry[] = [
  ...[...MEASURED, ...MEASURED_NODE].map(([ecosystem, module, version, heapMB, rssMB, loadMs]) => ({
    ecosystem,
    module,
    version: upstreamVersion(version),
    heapMB,
    rssMB,
    loadMs,
  })),
  ...ESTIMATED.map(([ecosystem, module, version, heapMB, rssMB, loadMs, estimate]) => ({
    ecosystem,
    module,
    version,
    heapMB,
    rssMB,
    loadMs,
    estimate,
  })),
];
