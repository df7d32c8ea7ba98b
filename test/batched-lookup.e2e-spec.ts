import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { BatchedLookup } from '../src/database/batched-lookup.js';
import { createTestDatabase, dropTestDatabase } from './support/test-database.js';

/**
 * The batched lookups of the socket paths (players at connect, token owners), on a real
 * PostgreSQL: every statement also inserts a row into `lookup_calls`, so the spec counts them.
 */
describe('BatchedLookup', () => {
  let url: string;
  let db: DataSource;
  const ids = Array.from({ length: 50 }, () => randomUUID());

  beforeAll(async () => {
    url = await createTestDatabase(null);
    db = new DataSource({ type: 'postgres', url });
    await db.initialize();
    await db.query('CREATE TABLE things (id uuid PRIMARY KEY, name text NOT NULL)');
    await db.query('CREATE TABLE lookup_calls (n serial PRIMARY KEY)');
    for (const [i, id] of ids.entries())
      await db.query('INSERT INTO things VALUES ($1, $2)', [id, `thing ${i}`]);
  });
  afterAll(async () => {
    await db.destroy();
    await dropTestDatabase(url);
  });

  const lookup = () =>
    new BatchedLookup<{ id: string; name: string }>(
      db,
      `things.lookup.${randomUUID()}`,
      `WITH call AS (INSERT INTO lookup_calls DEFAULT VALUES RETURNING n)
       SELECT t.id, t.name FROM things t, call WHERE t.id = ANY($1::uuid[])`,
    );
  const calls = async () =>
    Number((await db.query<Array<{ c: string }>>('SELECT count(*) AS c FROM lookup_calls'))[0].c);

  it('answers each lookup with its own row, or undefined, in few statements under load', async () => {
    const things = lookup();
    const before = await calls();
    const asked = Array.from({ length: 1000 }, (_, i) =>
      i % 10 === 9 ? randomUUID() : ids[i % 50],
    );
    const answers = await Promise.all(asked.map((id) => things.find(id)));
    answers.forEach((answer, i) => {
      if (i % 10 === 9) expect(answer).toBeUndefined();
      else expect(answer).toEqual({ id: ids[i % 50], name: `thing ${i % 50}` });
    });
    const statements = (await calls()) - before;
    expect(statements).toBeGreaterThanOrEqual(2);
    expect(statements).toBeLessThanOrEqual(10); // 1,000 lookups: 2 at once, then 500 a batch
  });

  it('answers undefined for a non-UUID without failing the others of its batch; any case', async () => {
    const things = lookup();
    const before = await calls();
    const answers = await Promise.all([
      things.find(ids[1]),
      things.find('not-a-uuid'),
      things.find(ids[2].toUpperCase()),
      things.find(ids[3]),
    ]);
    expect(answers).toEqual([
      { id: ids[1], name: 'thing 1' },
      undefined,
      { id: ids[2], name: 'thing 2' },
      { id: ids[3], name: 'thing 3' },
    ]);
    expect((await calls()) - before).toBeLessThanOrEqual(3); // the non-UUID costs no statement
  });

  it('sends a lone lookup at once, and reads what changed since', async () => {
    const things = lookup();
    expect(await things.find(ids[0])).toEqual({ id: ids[0], name: 'thing 0' });
    await db.query('UPDATE things SET name = $2 WHERE id = $1', [ids[0], 'renamed']);
    expect(await things.find(ids[0])).toEqual({ id: ids[0], name: 'renamed' });
    await db.query('DELETE FROM things WHERE id = $1', [ids[0]]);
    expect(await things.find(ids[0])).toBeUndefined();
  });
});
