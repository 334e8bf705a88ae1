import type { Ecosystem } from '../model';

/**
 * What heavy packages load themselves when they are imported. Deferring `httpx` saves nothing
 * while `openai`, which imports it, loads at startup. Keyed by distribution; a package is listed
 * only when its import pulls the dependency in at load (not an optional extra).
 */
const PYTHON: Record<string, readonly string[]> = {
  openai: ['httpx', 'pydantic', 'anyio'],
  anthropic: ['httpx', 'pydantic', 'anyio'],
  groq: ['httpx', 'pydantic', 'anyio'],
  mistralai: ['httpx', 'pydantic'],
  'python-telegram-bot': ['httpx'],
  fastapi: ['starlette', 'pydantic'],
  litellm: ['openai', 'httpx', 'pydantic', 'tiktoken', 'aiohttp', 'requests'],
  'discord.py': ['aiohttp'],
  aiogram: ['aiohttp', 'pydantic'],
  gspread: ['requests', 'google-auth'],
  'google-generativeai': ['google-auth', 'grpc', 'protobuf', 'requests'],
  'google-api-python-client': ['httplib2', 'google-auth'],
  langchain: ['pydantic', 'requests', 'sqlalchemy', 'numpy', 'aiohttp'],
  'langchain-openai': ['openai', 'tiktoken'],
  tiktoken: ['requests', 'regex'],
  transformers: ['numpy', 'requests', 'tokenizers', 'huggingface-hub'],
  pandas: ['numpy'],
  'scikit-learn': ['numpy', 'scipy'],
  matplotlib: ['numpy'],
  tweepy: ['requests'],
  boto3: ['botocore'],
  stripe: ['requests'],
  twilio: ['requests', 'aiohttp'],
  'slack-bolt': ['slack-sdk'],
  djangorestframework: ['django'],
  'flask-sqlalchemy': ['flask', 'sqlalchemy'],
  spotipy: ['requests'],
  gtts: ['requests'],
  'google-cloud-storage': ['requests', 'google-auth'],
  'python-binance': ['requests', 'aiohttp'],
};

const NODE: Record<string, readonly string[]> = {
  'discord.js': ['undici', 'ws'],
  '@langchain/openai': ['openai', '@langchain/core'],
  langchain: ['@langchain/core'],
  'firebase-admin': ['google-auth-library'],
  '@slack/bolt': ['@slack/web-api', 'axios', 'express'],
  twilio: ['axios'],
  'whatsapp-web.js': ['puppeteer'],
  mongoose: ['mongodb'],
  '@nestjs/core': ['rxjs', 'reflect-metadata'],
};

/** The package among `loaded` that imports `dependency` when it loads, if any. */
export function loadedBy(ecosystem: Ecosystem, dependency: string, loaded: Iterable<string>): string | undefined {
  const table = ecosystem === 'python' ? PYTHON : NODE;
  const dep = dependency.toLowerCase();
  for (const pkg of loaded) if (table[pkg]?.includes(dep)) return pkg;
  return undefined;
}
