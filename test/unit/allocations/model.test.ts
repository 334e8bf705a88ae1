import { describe, expect, it } from 'vitest';
import { AllocationHistory, intensityLevel, liveBytesBySite, type SamplingProfile } from '../../../src/core/allocations/model';

type Node = SamplingProfile['head'];
let nextId = 1;
function node(functionName: string, url: string, lineNumber: number, selfSize: number, children: Node[] = []): Node {
  return { callFrame: { functionName, url, lineNumber, columnNumber: 4, scriptId: '1' }, selfSize, id: nextId++, children };
}
const profile = (...children: Node[]): SamplingProfile => ({ head: node('(root)', '', -1, 0, children), samples: [] });

describe('live bytes per allocation site', () => {
  it("charges the runtime's own frames and builtins to the nearest caller in the program, with 1-based positions", () => {
    const rows = liveBytesBySite(
      profile(
        node('processTimers', 'node:internal/timers', 500, 0, [
          node('keepOrders', 'file:///srv/orders.js', 2, 1000, [node('repeat', '', -1, 5000), node('toString', 'node:buffer', 800, 300)]),
        ]),
        node('(V8 API)', '', -1, 64),
      ),
    );
    expect(rows).toEqual([
      { url: 'file:///srv/orders.js', line: 3, column: 5, functionName: 'keepOrders', liveBytes: 6300 },
      { url: '', line: 1, column: 5, functionName: '(V8 API)', liveBytes: 64 },
    ]);
  });

  it('adds up one function reached through several stacks', () => {
    const rows = liveBytesBySite(
      profile(
        node('a', '/srv/a.js', 0, 0, [node('make', '/srv/m.js', 9, 100)]),
        node('b', '/srv/b.js', 0, 10, [node('make', '/srv/m.js', 9, 50)]),
      ),
    );
    expect(rows.map((r) => [r.functionName, r.liveBytes])).toEqual([
      ['make', 150],
      ['b', 10],
    ]);
  });

  it('fits growth per site across readings; a site that empties counts as zero', () => {
    const history = new AllocationHistory({ windowMs: 60_000, minSamples: 3, minSpanMs: 2_000 });
    const at = (bytes: number) => profile(node('grow', '/srv/g.js', 0, bytes));
    expect(history.add(0, at(1000)).rows[0]!.growthBytesPerHour).toBeNull();
    history.add(1000, at(2000));
    const third = history.add(2000, at(3000));
    // 1000 bytes a second is 3.6 MB an hour.
    expect(third.rows[0]!.growthBytesPerHour).toBeCloseTo(3_600_000, 3);
    expect(third.totalLiveBytes).toBe(3000);
    history.add(3000, profile());
    history.add(4000, profile());
    const after = history.add(5000, at(10));
    expect(after.rows[0]!.growthBytesPerHour).toBeLessThan(0);
  });

  it('grades a site by its share of all live bytes', () => {
    expect(intensityLevel(50, 100)).toBe(5);
    expect(intensityLevel(25, 100)).toBe(4);
    expect(intensityLevel(10, 100)).toBe(3);
    expect(intensityLevel(5, 100)).toBe(2);
    expect(intensityLevel(1, 100)).toBe(1);
    expect(intensityLevel(1, 0)).toBe(1);
  });
});
