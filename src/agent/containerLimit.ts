import fs from 'node:fs';

/** Above this a limit is no limit: cgroup v1 writes ~2^63 for "none", Node 20 reports 2^64. */
const NO_LIMIT_ABOVE = 2 ** 50;

/**
 * The container's memory limit: `process.constrainedMemory()` where Node has it, else cgroup v2
 * `memory.max`, else cgroup v1 `memory.limit_in_bytes`. Undefined when there is none.
 */
export function containerLimitBytes(): number | undefined {
  const fromNode = typeof process.constrainedMemory === 'function' ? process.constrainedMemory() : undefined;
  if (fromNode !== undefined && fromNode > 0) return fromNode < NO_LIMIT_ABOVE ? fromNode : undefined;
  return cgroupLimitBytes();
}

export function cgroupLimitBytes(root = '/sys/fs/cgroup', self = '/proc/self/cgroup'): number | undefined {
  const own = readText(self) ?? '';
  const v2Path = /^0::(.*)$/m.exec(own)?.[1]?.trim();
  const v1Path = /^\d+:(?:[^:]*,)?memory(?:,[^:]*)?:(.*)$/m.exec(own)?.[1]?.trim();
  const candidates = [
    ...(v2Path ? [`${root}${v2Path === '/' ? '' : v2Path}/memory.max`] : []),
    `${root}/memory.max`,
    ...(v1Path ? [`${root}/memory${v1Path === '/' ? '' : v1Path}/memory.limit_in_bytes`] : []),
    `${root}/memory/memory.limit_in_bytes`,
  ];
  for (const file of candidates) {
    const text = readText(file)?.trim();
    if (text === undefined) continue;
    if (text === 'max') return undefined;
    const n = Number(text);
    if (Number.isFinite(n) && n > 0) return n < NO_LIMIT_ABOVE ? n : undefined;
  }
  return undefined;
}

function readText(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
