import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { DataSource } from 'typeorm';
import { migrations } from '../migrations/index.js';
import { dataSourceOptions } from '../src/database/data-source.options.js';
import { createTestDatabase, dropTestDatabase } from './support/test-database.js';

describe('migrations', () => {
  let url: string;
  let ds: DataSource;

  beforeAll(async () => {
    url = await createTestDatabase(null);
    ds = new DataSource({ ...dataSourceOptions(url, 2), logging: false });
    await ds.initialize();
  });

  afterAll(async () => {
    await ds.destroy();
    await dropTestDatabase(url);
  });

  async function schemaSnapshot(): Promise<string[]> {
    const rows = await ds.query<Array<{ item: string }>>(`
      SELECT 'table ' || table_name AS item FROM information_schema.tables
        WHERE table_schema = 'public' AND table_name <> 'migrations'
      UNION ALL SELECT 'extension ' || extname FROM pg_extension WHERE extname <> 'plpgsql'
      UNION ALL SELECT 'type ' || typname FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
        WHERE n.nspname = 'public' AND t.typtype = 'e'
      ORDER BY 1`);
    return rows.map((r) => r.item);
  }

  it('lists every migration file in migrations/index.ts', () => {
    const dir = path.resolve('migrations');
    const files = fs.readdirSync(dir).filter((f) => /^\d+-.+\.ts$/.test(f));
    const names = files.map((f) => f.replace(/^(\d+)-(.+)\.ts$/, '$2$1')).sort();
    expect(migrations.map((m) => m.name).sort()).toEqual(names);
  });

  it('applies every migration, reverts each one, and applies them again', async () => {
    const empty = await schemaSnapshot();
    const applied = await ds.runMigrations({ transaction: 'each' });
    expect(applied.map((m) => m.name)).toEqual(migrations.map((m) => m.name));
    expect(await ds.showMigrations()).toBe(false);
    const full = await schemaSnapshot();
    expect(full).not.toEqual(empty);

    for (let i = migrations.length; i > 0; i--) await ds.undoLastMigration({ transaction: 'each' });
    expect(await ds.query('SELECT * FROM migrations')).toEqual([]);
    expect(await schemaSnapshot()).toEqual(empty);

    await ds.runMigrations({ transaction: 'each' });
    expect(await schemaSnapshot()).toEqual(full);
  });
});

describe('migration scripts (ormconfig.ts through the TypeORM CLI)', () => {
  const run = promisify(execFile);
  const npmRun = async (script: string, databaseUrl: string) =>
    (
      await run('npm', ['run', '--silent', script], {
        env: { ...process.env, DATABASE_URL: databaseUrl },
      })
    ).stdout;

  it('run, show and revert work against DATABASE_URL', async () => {
    const url = await createTestDatabase(null);
    try {
      expect(await npmRun('migration:run', url)).toContain('has been executed successfully');
      const shown = await npmRun('migration:show', url);
      for (const m of migrations) expect(shown).toMatch(new RegExp(`\\[X\\] \\d+ ${m.name}`));
      expect(await npmRun('migration:revert', url)).toContain('has been reverted successfully');
      expect(await npmRun('migration:show', url)).toContain(`[ ] ${migrations.at(-1)!.name}`);
    } finally {
      await dropTestDatabase(url);
    }
  }, 60_000);
});
