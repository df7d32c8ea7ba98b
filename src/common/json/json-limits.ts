/**
 * What every edge refuses in client JSON, whatever the transport: nesting deeper than
 * MAX_JSON_DEPTH (recursive code further in, class-transformer or JSON.stringify, would overflow
 * the stack) and strings PostgreSQL text cannot hold (U+0000) or that are not well-formed UTF-16
 * (a lone surrogate would be stored as U+FFFD, silently changing the text).
 */
export const MAX_JSON_DEPTH = 32;

/**
 * True when `value` nests arrays or objects deeper than `max` levels (a scalar is depth 0,
 * `{}` and `[]` depth 1). Iterative: safe on any input.
 */
export function exceedsJsonDepth(value: unknown, max: number = MAX_JSON_DEPTH): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const stack: Array<[object, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    const children: unknown[] = Array.isArray(node) ? node : Object.values(node);
    for (const child of children) {
      if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * True when JSON text nests deeper than `max` levels, checked on the text before it is parsed
 * (brackets inside strings do not count). Linear, no allocation.
 */
export function jsonTextExceedsDepth(text: string, max: number = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b /* [ */ || c === 0x7b /* { */) {
      if (++depth > max) return true;
    } else if (c === 0x5d /* ] */ || c === 0x7d /* } */) depth--;
  }
  return false;
}

/** True when PostgreSQL cannot store `text` as written: a U+0000, or a lone surrogate. */
export function isUnstorableText(text: string): boolean {
  return text.includes('\u0000') || !text.isWellFormed();
}

/** True when some string, key or value, in `value` cannot be stored. Iterative, no paths built. */
function hasUnstorableText(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const node = stack.pop();
    if (typeof node === 'string') {
      if (isUnstorableText(node)) return true;
    } else if (Array.isArray(node)) {
      for (const child of node as unknown[]) stack.push(child);
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        if (isUnstorableText(key)) return true;
        stack.push(child);
      }
    }
  }
  return false;
}

/**
 * The path (`["a", 0, "b"]`) of the first string, key or value, in `value` that PostgreSQL cannot
 * store; undefined when there is none. Iterative: safe on any input; paths are built only when
 * there is one to find (a large payload that is fine costs one walk without allocations per node).
 */
export function findUnstorableText(value: unknown): Array<string | number> | undefined {
  if (!hasUnstorableText(value)) return undefined;
  const stack: Array<[unknown, Array<string | number>]> = [[value, []]];
  while (stack.length > 0) {
    const [node, path] = stack.pop()!;
    if (typeof node === 'string') {
      if (isUnstorableText(node)) return path;
    } else if (Array.isArray(node)) {
      node.forEach((child, index) => stack.push([child, [...path, index]]));
    } else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        if (isUnstorableText(key)) return [...path, key];
        stack.push([child, [...path, key]]);
      }
    }
  }
  return undefined;
}
