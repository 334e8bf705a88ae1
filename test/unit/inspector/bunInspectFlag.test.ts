import { describe, expect, it } from 'vitest';
import { bunInspectValues, parseBunInspectValue } from '../../../src/core/inspector/bunInspector';

describe("Bun's --inspect values, read as Bun reads them", () => {
  it('finds the path that makes the ws:// URL known, in every form Bun accepts', () => {
    expect(parseBunInspectValue('')).toEqual({});
    expect(parseBunInspectValue('6499')).toEqual({ port: 6499 });
    expect(parseBunInspectValue('localhost:6499')).toEqual({ host: 'localhost', port: 6499 });
    expect(parseBunInspectValue('127.0.0.1:0/runtime-bot')).toEqual({ host: '127.0.0.1', port: 0, path: '/runtime-bot' });
    expect(parseBunInspectValue('6499/debug/me')).toEqual({ port: 6499, path: '/debug/me' });
    expect(parseBunInspectValue('[::1]:6499/x')).toEqual({ host: '[::1]', port: 6499, path: '/x' });
    expect(parseBunInspectValue('ws://localhost:4000/abc')).toEqual({ host: 'localhost', port: 4000, path: '/abc' });
  });

  it("takes Bun's own flags only, before the script (bun run included), not the script's", () => {
    expect(bunInspectValues(['bun', '--inspect', 'app.ts'])).toEqual(['']);
    expect(bunInspectValues(['bun', 'run', '--inspect-wait=127.0.0.1:6499/x', 'app.ts'])).toEqual(['127.0.0.1:6499/x']);
    expect(bunInspectValues(['bun', 'app.ts', '--inspect=9229/not-bun'])).toEqual([]);
  });
});
