import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CORPUS, scanWithTable } from './helpers';

/**
 * Rows streamed out of a generator are in memory together only where a caller collects them:
 * the finding sits on the query, and its related locations name the yield and the collecting
 * comprehension in the module that builds the response.
 */
const APP = join(CORPUS, 'fastapi-sqlalchemy2');
const copies: string[] = [];
afterEach(() => {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function copyOfApp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'streamed-rows-'));
  copies.push(dir);
  cpSync(APP, dir, { recursive: true });
  return dir;
}

const queriesIn = (found: Awaited<ReturnType<typeof scanWithTable>>, file: string) =>
  found.filter((f) => f.kind === 'unbounded-query' && f.file === file);

describe('queries streamed out of generators', () => {
  it('reports a stream collected two modules away, and neither the stream bounded by ids nor the one sent to the response', async () => {
    const found = await scanWithTable(APP);
    const streamed = queriesIn(found, 'app/orders.py');
    expect(streamed.map((f) => f.line)).toEqual([12]);
    expect(streamed[0]!.message).toContain('each_order()');
    expect(streamed[0]!.related).toEqual([
      { file: 'app/orders.py', line: 14 },
      { file: 'app/order_views.py', line: 24 },
    ]);
  });

  it('says nothing once the caller streams the rows on instead of collecting them, even if a test gathers them', async () => {
    const dir = copyOfApp();
    mkdirSync(join(dir, 'tests'));
    writeFileSync(
      join(dir, 'tests', 'test_orders.py'),
      'from app.order_views import OrderFeed\n\n\nasync def test_feed(session_factory):\n    assert [s async for s in OrderFeed(session_factory).summaries()] == []\n',
    );
    const views = join(dir, 'app', 'order_views.py');
    const text = readFileSync(views, 'utf8');
    writeFileSync(
      views,
      text.replace(
        "return {'orders': [s async for s in feed.summaries()]}",
        "return StreamingResponse(feed.summaries(), media_type='application/json')",
      ),
    );
    expect(queriesIn(await scanWithTable(dir), 'app/orders.py')).toEqual([]);
  });

  it('reports the stream at once when the generator itself gathers the rows', async () => {
    const dir = copyOfApp();
    const orders = join(dir, 'app', 'orders.py');
    const text = readFileSync(orders, 'utf8');
    writeFileSync(
      orders,
      text.replace('async for order in rows:\n            yield order', 'for order in [o async for o in rows]:\n            yield order'),
    );
    const streamed = queriesIn(await scanWithTable(dir), 'app/orders.py');
    expect(streamed.map((f) => f.line)).toEqual([12]);
    expect(streamed[0]!.message).toContain('loads every row into memory');
  });
});
