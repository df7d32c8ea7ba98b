import { exceedsJsonDepth, MAX_JSON_DEPTH } from '../../common/json/json-limits.js';
import { error, type Reply } from './reply.js';
import type { PayloadIssue, PayloadSchema } from './payload-schema.js';

export type Checked = { ok: true; value: unknown } | { ok: false; issues: PayloadIssue[] };

const TOO_DEEP: PayloadIssue = {
  path: [],
  message: `is nested too deeply (more than ${MAX_JSON_DEPTH} levels)`,
};

/**
 * What every inbound payload (join params and events) passes before its handler runs: no
 * nesting deeper than MAX_JSON_DEPTH, whatever the channel (code further in is recursive), then
 * the handler's own schema when it declares one. Without a schema any payload passes,
 * binary included.
 */
export function checkPayload(
  payload: unknown,
  schema: PayloadSchema<unknown> | undefined,
): Checked {
  if (exceedsJsonDepth(payload)) return { ok: false, issues: [TOO_DEEP] };
  return schema === undefined ? { ok: true, value: payload } : schema.parse(payload);
}

/** `{"user_ids.2": ["is invalid"]}`; a problem with the whole payload is under `payload`. */
export function issuesByField(issues: PayloadIssue[]): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const { path, message } of issues) {
    const key = path.length === 0 ? 'payload' : path.join('.');
    (fields[key] ??= []).push(message);
  }
  return fields;
}

/** The answer to a payload that failed, for channels without an @InvalidPayload handler. */
export function invalidPayloadReply(issues: PayloadIssue[]): Reply {
  return error({ reason: 'invalid payload', errors: issuesByField(issues) });
}
