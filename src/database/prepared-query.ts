import type { Pool, QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';

/**
 * Runs `text` as a named prepared statement on the data source's own pg pool: each connection
 * parses and plans it once, later runs only bind and execute. For statements on a hot path
 * (`send_message`), where parsing and planning a CTE costs as much PostgreSQL CPU as running it.
 * `name` must be unique to `text` across the application. Bypasses TypeORM's query logging.
 */
export async function preparedQuery<R extends QueryResultRow>(
  db: DataSource,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const pool = (db.driver as unknown as { master: Pool }).master;
  const result = await pool.query<R>({ name, text, values });
  return result.rows;
}
