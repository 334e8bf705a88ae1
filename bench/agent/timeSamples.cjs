// Preloaded before the agent (node -r timeSamples.cjs -r dist/agent.js app.js): times every
// callback of the intervals registered while the agent loads — its sampling — in wall time
// (hrtime: what the event loop waits, preemption by other processes included) and in CPU time
// (process.cpuUsage: what the sample itself costs), and writes both to $AGENT_BENCH_TIMINGS on exit. In the run without the agent it only
// costs what it costs in the run with it.
'use strict';
const fs = require('node:fs');

const out = process.env.AGENT_BENCH_TIMINGS;
const durations = [];
const original = global.setInterval;
let timing = true;
global.setInterval = function timedSetInterval(callback, ms, ...args) {
  if (!timing) return original(callback, ms, ...args);
  const timed = (...a) => {
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    try {
      return callback(...a);
    } finally {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      const cpu = process.cpuUsage(cpu0);
      durations.push({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 });
    }
  };
  return original(timed, ms, ...args);
};
// Only what the next preload (the agent) registers: the app's own intervals stay untimed.
setImmediate(() => (timing = false));
process.on('exit', () => {
  if (out) fs.writeFileSync(out, JSON.stringify(durations));
});
