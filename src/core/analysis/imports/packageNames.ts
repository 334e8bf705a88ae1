import { builtinModules } from 'node:module';
import { PYTHON_STDLIB } from './pythonStdlib';

/** Turning what an import statement names into the package that provides it. */

const NODE_BUILTINS = new Set(builtinModules);

/** `@scope/pkg/sub` → `@scope/pkg`, `pkg/sub` → `pkg`; undefined for relative, alias, builtin. */
export function nodePackageName(specifier: string): string | undefined {
  if (specifier.startsWith('node:') || NODE_BUILTINS.has(specifier) || NODE_BUILTINS.has(specifier.split('/')[0] ?? '')) {
    return undefined;
  }
  // Relative, absolute, tsconfig aliases (`@/lib`, `~/lib`), subpath imports (`#db`), URLs.
  if (/^(\.|\/|~|#|@\/|[a-z]+:)/i.test(specifier)) return undefined;
  const parts = specifier.split('/');
  if (specifier.startsWith('@')) return parts.length >= 2 && parts[1] ? `${parts[0]}/${parts[1]}` : undefined;
  return parts[0] || undefined;
}

/**
 * Import name → distribution name, where they differ. Namespace packages (`google.*`) are keyed
 * by their first two components.
 */
const PYTHON_DISTRIBUTIONS: Record<string, string> = {
  'google.generativeai': 'google-generativeai',
  'google.genai': 'google-genai',
  'google.auth': 'google-auth',
  'google.cloud': 'google-cloud-core',
  'google.protobuf': 'protobuf',
  'google.oauth2': 'google-auth',
  googleapiclient: 'google-api-python-client',
  oauth2client: 'oauth2client',
  telegram: 'python-telegram-bot',
  yaml: 'PyYAML',
  PIL: 'Pillow',
  sklearn: 'scikit-learn',
  bs4: 'beautifulsoup4',
  cv2: 'opencv-python',
  dotenv: 'python-dotenv',
  jwt: 'PyJWT',
  dateutil: 'python-dateutil',
  magic: 'python-magic',
  docx: 'python-docx',
  pptx: 'python-pptx',
  fitz: 'PyMuPDF',
  Crypto: 'pycryptodome',
  OpenSSL: 'pyOpenSSL',
  serial: 'pyserial',
  psycopg2: 'psycopg2',
  MySQLdb: 'mysqlclient',
  attr: 'attrs',
  rest_framework: 'djangorestframework',
  corsheaders: 'django-cors-headers',
  channels_redis: 'channels-redis',
  discord: 'discord.py',
  skimage: 'scikit-image',
  Levenshtein: 'python-Levenshtein',
};

export function isPythonStdlib(module: string): boolean {
  return PYTHON_STDLIB.has(module.split('.')[0] ?? '');
}

/** `google.generativeai.types` → `google-generativeai`, `django.db.models` → `django`. */
export function pythonPackageName(module: string): string {
  const parts = module.split('.');
  const two = parts.slice(0, 2).join('.');
  const one = parts[0] ?? module;
  return PYTHON_DISTRIBUTIONS[two] ?? PYTHON_DISTRIBUTIONS[one] ?? (one === 'google' ? two.replace('.', '-') : one);
}

/** PEP 503 normalisation, for matching `*.dist-info` folder names. */
export function normaliseDistribution(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}
