// One writer of a memory log, run as its own process by the concurrency tests:
//   node memoryLogWriter.js <dir> <name> <events> <maxBytes> <startAtMs>
// Waits until startAtMs (so the writers run at once), then logs `events` spikes whose target is
// "<name>-<i>", each findable once in memory_debug.log* and once in memory_debug.jsonl*.
import { DEFAULT_MEMORY_LOG_OPTIONS, MemoryLog } from '../../src/core/budget/memoryLog';

const [directory, name, events, maxBytes, startAt] = process.argv.slice(2);
const log = new MemoryLog(directory!, `writer ${name}`, { ...DEFAULT_MEMORY_LOG_OPTIONS, maxBytes: Number(maxBytes) });
while (Date.now() < Number(startAt)) {
  // spin: a timer's granularity would let the first writer finish before the others begin
}
for (let i = 0; i < Number(events); i++) {
  log.event(`${name}-${i}`, { type: 'spike', time: Date.now(), deltaBytes: 1024 * 1024, rssBytes: 100 * 1024 * 1024 });
}
log.close();
process.stdout.write(`${log.file}\n`);
