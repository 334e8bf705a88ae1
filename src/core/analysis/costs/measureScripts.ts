/**
 * Scripts the measuring child processes run. Each prints one JSON line:
 * {ok:true, heapMB, rssMB, ms} or {ok:false, error}. GC runs before and after so the deltas
 * are what the import keeps alive, not its garbage. The load time is the CPU time the import
 * took: on a busy machine the wall time swells with everything else running, the CPU time
 * much less, and on an idle server the two agree.
 */

export const NODE_MEASURE_SCRIPT = String.raw`
const { createRequire } = require('node:module');
const path = require('node:path');
const [spec, fromDir] = process.argv.slice(1);
const req = createRequire(path.join(fromDir, '__memory_budget_measure__.js'));
const settle = () => new Promise((r) => setImmediate(r));
function usage() { global.gc(); global.gc(); return process.memoryUsage(); }
(async () => {
  await settle();
  const before = usage();
  const c0 = process.cpuUsage();
  try { req(spec); }
  catch (e) {
    if (e && (e.code === 'ERR_REQUIRE_ESM' || e.code === 'ERR_PACKAGE_PATH_NOT_EXPORTED' || e.code === 'ERR_REQUIRE_ASYNC_MODULE')) await import(spec);
    else throw e;
  }
  const c = process.cpuUsage(c0);
  const ms = (c.user + c.system) / 1000;
  await settle();
  const after = usage();
  const MB = 1024 * 1024;
  console.log(JSON.stringify({ ok: true, ms, heapMB: (after.heapUsed - before.heapUsed) / MB, rssMB: (after.rss - before.rss) / MB }));
  process.exit(0);
})().catch((e) => { console.log(JSON.stringify({ ok: false, error: String(e && e.message || e).slice(0, 300) })); process.exit(0); });
`;

/** argv: mode (`time` or `heap`), the import statement, address-space cap in bytes. */
export const PYTHON_MEASURE_SCRIPT = String.raw`
import gc, json, sys, time
mode, stmt, cap = sys.argv[1], sys.argv[2], int(sys.argv[3])
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
except Exception:
    pass
def rss():
    try:
        with open('/proc/self/status') as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
gc.collect()
if mode == 'heap':
    import tracemalloc
    tracemalloc.start()
r0 = rss()
t0 = time.process_time()
try:
    exec(stmt, {})
except BaseException as e:
    print(json.dumps({'ok': False, 'error': (type(e).__name__ + ': ' + str(e))[:300]}))
    sys.exit(0)
ms = (time.process_time() - t0) * 1000
gc.collect()
out = {'ok': True, 'ms': ms, 'rssMB': rss() - r0}
if mode == 'heap':
    out['heapMB'] = tracemalloc.get_traced_memory()[0] / 1048576
print(json.dumps(out))
`;

/** Prints the interpreter's sys.path and version as JSON: where installed distributions are found. */
export const PYTHON_PATHS_SCRIPT = 'import json, sys; print(json.dumps({"path": sys.path, "version": sys.version.split()[0]}))';
