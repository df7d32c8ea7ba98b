import type { QueryResultRow } from 'pg';
import type { DataSource } from 'typeorm';
import { BatchQueue } from '../common/batching/batch-queue.js';
import { preparedQuery } from './prepared-query.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A lookup made while this many statements run waits and leaves with the others. */
const LOOKUPS_IN_FLIGHT = 2;
const LOOKUP_BATCH_MAX = 500;

/**
 * Rows looked up by id on a hot path (every socket connect, every token a channel event carries),
 * batched: `sql` is a prepared statement taking the ids as `$1::uuid[]` (`WHERE id = ANY($1)`)
 * and answering rows with their `id`. A lookup made while LOOKUPS_IN_FLIGHT statements run waits
 * and leaves with the others in one statement, so that thousands of sockets connecting at once
 * cost a few dozen round trips; when traffic is light it goes out alone, at once. Nothing is
 * cached: each answer is read after it was asked for.
 */
export class BatchedLookup<R extends QueryResultRow & { id: string }> {
  private readonly lookups = new BatchQueue<string, R | undefined>((ids) => this.load(ids), {
    maxInFlight: LOOKUPS_IN_FLIGHT,
    maxBatch: LOOKUP_BATCH_MAX,
  });

  constructor(
    private readonly db: DataSource,
    /** The prepared statement's name, unique to `sql` across the application. */
    private readonly name: string,
    private readonly sql: string,
  ) {}

  /**
   * The row with this id, or undefined (also for a string that is not a UUID: one such id
   * would fail the `uuid[]` cast, and with it every lookup of its batch). Any case is accepted;
   * PostgreSQL answers lower case.
   */
  find(id: string): Promise<R | undefined> {
    return UUID.test(id) ? this.lookups.submit(id.toLowerCase()) : Promise.resolve(undefined);
  }

  private async load(ids: string[]): Promise<Array<R | undefined>> {
    const rows = await preparedQuery<R>(this.db, this.name, this.sql, [ids]);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id));
  }
}
