// Drives leaky-bot: sessions that leak and downloads that churn, at a steady pace.
// node load.js --url http://127.0.0.1:PORT [--rps 5] [--kb 256] [--duration 60]
'use strict';
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const base = flag('url', process.env.LEAKY_URL);
if (!base) {
  console.error('usage: node load.js --url http://127.0.0.1:PORT [--rps 5] [--kb 256] [--duration 60]');
  process.exit(2);
}
const rps = Math.max(0.1, Number(flag('rps', '5')));
const kb = Number(flag('kb', '256'));
const durationS = Number(flag('duration', '0')); // 0: until interrupted
const started = Date.now();
let n = 0;

const timer = setInterval(async () => {
  if (durationS > 0 && Date.now() - started > durationS * 1000) {
    clearInterval(timer);
    return;
  }
  n++;
  const path = n % 3 === 0 ? `/download?kb=${kb * 4}&ms=3000` : `/session?kb=${kb}&user=${n % 50}`;
  try {
    await fetch(new URL(path, base));
  } catch (err) {
    console.error(`load: ${path}: ${err.message}`);
  }
}, 1000 / rps);
process.on('SIGINT', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
