/** The label of values past the cap (and of values too long to be a label). */
export const OTHER_LABEL = 'other';

/**
 * Label values that stay a bounded set whatever clients send: the first `max` distinct values
 * (each at most `maxLength` characters) are kept as they are, every later one is `other`. The
 * set only grows, so a value gets the same label for the life of the process (a gauge raised
 * under a label is lowered under the same one).
 */
export class BoundedLabels {
  private readonly known = new Set<string>();

  constructor(
    private readonly max = 50,
    private readonly maxLength = 64,
  ) {}

  of(value: string): string {
    if (this.known.has(value)) return value;
    if (this.known.size >= this.max || value.length > this.maxLength) return OTHER_LABEL;
    this.known.add(value);
    return value;
  }
}

/** A topic's prefix: what comes before its first `:` (the whole topic when it has none). */
export function topicPrefix(topic: string): string {
  const colon = topic.indexOf(':');
  return colon < 0 ? topic : topic.slice(0, colon);
}
