import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collectGarbage } from './inspector.js';
import { freePort, ManagedProcess } from './processes.js';

// A child under --inspect holding only a WeakRef to a large object: a full GC must free it.
const CHILD = `
let garbage = { data: new Array(1e6).fill(0).map((_, i) => ({ i })) };
const ref = new WeakRef(garbage);
garbage = undefined;
const lines = require('node:readline').createInterface({ input: process.stdin });
lines.on('line', (line) => {
  process.stdout.write(JSON.stringify({ [line.trim()]: ref.deref() !== undefined }) + '\\n');
});
process.stdout.write(JSON.stringify({ started: true }) + '\\n');
`;

describe('collectGarbage', () => {
  let child: ManagedProcess;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    child = new ManagedProcess({
      name: 'inspected child',
      nodeArgs: [`--inspect=127.0.0.1:${port}`, '-e', CHILD],
      env: { PATH: process.env.PATH },
      stdin: true,
    });
    await child.waitForJson((v) => v.started === true, 10_000, 'started line');
  });
  afterAll(async () => {
    child.closeStdin();
    await child.stop(5000);
  });

  it('forces a full GC in a node process under --inspect', async () => {
    child.write('beforeGc\n');
    const before = await child.waitForJson<{ beforeGc: boolean }>(
      (v) => 'beforeGc' in v,
      5000,
      'beforeGc line',
    );
    expect(before.beforeGc).toBe(true);
    await collectGarbage(port);
    child.write('afterGc\n');
    const line = await child.waitForJson<{ afterGc: boolean }>(
      (v) => 'afterGc' in v,
      5000,
      'afterGc line',
    );
    expect(line.afterGc).toBe(false);
  }, 20_000);

  it('can be called again (it leaves no session open)', async () => {
    await expect(collectGarbage(port, { rounds: 1 })).resolves.toBeUndefined();
  }, 20_000);

  it('says clearly when nothing inspects on the port', async () => {
    const nothing = await freePort();
    await expect(collectGarbage(nothing, { timeoutMs: 2000 })).rejects.toThrow(
      new RegExp(`inspector on port ${nothing}: GET /json/list failed`),
    );
  });
});
