import type { Serializer } from './serializer.js';
import { V1JsonSerializer } from './v1-json.serializer.js';
import { V2JsonSerializer } from './v2-json.serializer.js';

/**
 * The framings, one instance each for the whole server: a broadcast caches its encoding per
 * serializer instance, so every socket of a framing shares the same one.
 */
export const V1_SERIALIZER: Serializer = new V1JsonSerializer();
export const V2_SERIALIZER: Serializer = new V2JsonSerializer();

export const SERIALIZERS: Readonly<Record<string, Serializer>> = {
  '1.0.0': V1_SERIALIZER,
  '2.0.0': V2_SERIALIZER,
};
