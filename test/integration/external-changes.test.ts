import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { writeTransaction } from '../../src/main/db/transaction';
import { makeTestCore } from '../fixtures/core';

type TestCore = Awaited<ReturnType<typeof makeTestCore>>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('changes made by other connections to the same file', () => {
  let core: TestCore;
  afterEach(() => core.cleanup());

  async function started() {
    core = await makeTestCore({ externalChangePollMs: 20 });
    await core.start({ api: false, webhooks: false });
    const events: string[] = [];
    core.subscribe((message) => events.push(message.event));
    return events;
  }

  it('the log writer thread committing rows is news for the log, not for the inventory', async () => {
    const events = await started();
    for (let i = 0; i < 50; i++) {
      core.services.log.write({ sistema: 'API', tipo: 'GET /x', estado: 'OK' });
    }
    core.services.log.flush(); // committed by the writer thread, on its own connection
    await sleep(150);
    expect(events).toContain('logs/appended');
    expect(events).not.toContain('inventory/changed');
  });

  it('another process writing an article is seen as an inventory change', async () => {
    const events = await started();
    const id = core.services.inventory.createArticle({
      codigo: 'EXT-1',
      nombre: 'Antes',
      material: null,
      diametro: null,
      unidad: 'unidad',
      stock_minimo: 0,
      referencia_externa: null,
    }).id;
    await sleep(60);
    events.length = 0; // our own change was announced by the service itself
    const other = new Database(join(core.dataDir, 'gsih.db'));
    writeTransaction(other, () =>
      other.prepare('UPDATE articles SET nombre = ? WHERE id = ?').run('Fuera', id),
    )();
    other.close();
    await sleep(150);
    expect(events).toContain('inventory/changed');
  });
});
