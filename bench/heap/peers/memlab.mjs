// Meta's memlab: full heap with dominators and retained sizes, then per-class totals (summary), or
// two heaps matched by node id per class (diff).
import { getFullHeapFromFile } from '@memlab/heap-analysis';

const [mode, a, b] = process.argv.slice(2);
function byClass(heap) {
  const classes = new Map();
  heap.nodes.forEach((node) => {
    let c = classes.get(node.name);
    if (!c) classes.set(node.name, (c = { count: 0, self: 0, retained: 0, ids: new Set() }));
    c.count++;
    c.self += node.self_size;
    c.retained += node.retainedSize;
    if (mode === 'diff') c.ids.add(node.id);
  });
  return classes;
}
if (mode === 'summary') {
  const classes = byClass(await getFullHeapFromFile(a));
  const top = [...classes].sort((x, y) => y[1].retained - x[1].retained).slice(0, 3);
  console.log(JSON.stringify({ classes: classes.size, top: top.map(([n, c]) => [n, c.count, c.retained]) }));
} else {
  const before = byClass(await getFullHeapFromFile(a));
  const after = byClass(await getFullHeapFromFile(b));
  const rows = [];
  for (const [name, c] of after) {
    const old = before.get(name);
    let added = 0;
    for (const id of c.ids) if (!old?.ids.has(id)) added++;
    rows.push([name, added, c.count - (old?.count ?? 0)]);
  }
  console.log(JSON.stringify({ classes: rows.length, top: rows.sort((x, y) => y[1] - x[1]).slice(0, 3) }));
}
process.exit(0);
