import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../../support/agentApp';
import { promtool } from '../../support/prometheus';

const EXAMPLES = path.join(REPO, 'examples/prometheus');

describe('examples/prometheus', () => {
  it('has alert rules promtool accepts and a scrape config that loads them', () => {
    const rules = promtool(['check', 'rules', 'memory-budget.rules.yml'], EXAMPLES);
    expect(rules.output).toContain('SUCCESS: 3 rules found');
    expect(rules.code).toBe(0);
    const config = promtool(['check', 'config', 'prometheus.yml'], EXAMPLES);
    expect(config.output).toContain('is valid prometheus config file syntax');
    expect(config.code).toBe(0);
  });

  it('fires each alert on synthetic series, and only when it should (promtool test rules)', () => {
    const result = promtool(['test', 'rules', 'memory-budget.rules.test.yml'], EXAMPLES);
    expect(result.output).toContain('SUCCESS');
    expect(result.code).toBe(0);
  });
});
