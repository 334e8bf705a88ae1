// The naive way to capture: collect every addHeapSnapshotChunk in memory, write at the end.
import { writeFileSync } from 'node:fs';
import CDP from 'chrome-remote-interface';

const [ws, file] = process.argv.slice(2);
const client = await CDP({ target: ws, local: true });
const chunks = [];
client.on('HeapProfiler.addHeapSnapshotChunk', ({ chunk }) => chunks.push(chunk));
await client.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
writeFileSync(file, chunks.join(''));
await client.close();
process.exit(0);
