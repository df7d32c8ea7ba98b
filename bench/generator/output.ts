/** stdout carries JSON lines only: `{"ready":…}`, then `{"result":…}` (or `{"error":…}`). */
export function emit(line: object): void {
  process.stdout.write(`${JSON.stringify(line)}\n`);
}
