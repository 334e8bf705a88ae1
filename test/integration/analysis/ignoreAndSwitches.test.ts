import { describe, expect, it } from 'vitest';
import { analyzeSource } from '../../../src/core/analysis/analyzer';
import { parser } from './helpers';

describe('ignore comments and rule switches', () => {
  const py = [
    'import pandas as pd  # memory-budget: ignore',
    'import numpy as np',
    '',
    'def view(request):',
    '    # memory-budget: ignore',
    '    for u in User.objects.all():',
    '        pass',
    '    for c in Comment.objects.all():',
    '        pass',
    '    return pd, np',
  ].join('\n');

  it('drops a Python finding whose line, or the line above, carries `# memory-budget: ignore`', async () => {
    const a = await analyzeSource(parser, py, 'python');
    expect(a.startupImports.map((i) => i.module)).toEqual(['numpy']);
    expect(a.queries.map((q) => q.statementStart.line + 1)).toEqual([8]);
  });

  it('drops a JS/TS finding marked `// memory-budget-ignore`', async () => {
    const ts = [
      "import OpenAI from 'openai'; // memory-budget-ignore",
      "import { Queue } from 'bullmq';",
      'export const q = new Queue("x");',
      'export async function f() {',
      '  // memory-budget-ignore',
      '  const a = await prisma.user.findMany();',
      '  const b = await prisma.post.findMany();',
      '  return [a, b, new OpenAI()];',
      '}',
    ].join('\n');
    const a = await analyzeSource(parser, ts, 'typescript');
    expect(a.startupImports.map((i) => i.module)).toEqual(['bullmq']);
    expect(a.queries.map((q) => q.statementStart.line + 1)).toEqual([7]);
  });

  it('runs only the rules that are switched on', async () => {
    const a = await analyzeSource(parser, py, 'python', {
      isRuleEnabled: (r) => r !== 'django-unbounded-queryset' && r !== 'heavy-import',
    });
    expect(a.queries).toEqual([]);
    expect(a.startupImports).toEqual([]);
  });
});
