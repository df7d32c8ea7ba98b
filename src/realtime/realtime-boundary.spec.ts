import fs from 'node:fs';
import path from 'node:path';

/** The realtime layer knows nothing of the products: it imports only itself, config and common. */
describe('src/realtime dependencies', () => {
  const root = path.resolve('src/realtime');
  const allowed = [root, path.resolve('src/config'), path.resolve('src/common')];

  function files(dir: string): string[] {
    return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      return entry.isDirectory() ? files(full) : entry.name.endsWith('.ts') ? [full] : [];
    });
  }

  it('imports no feature module', () => {
    const offending: string[] = [];
    for (const file of files(root)) {
      const source = fs.readFileSync(file, 'utf8');
      for (const match of source.matchAll(/from '(\.{1,2}\/[^']+)'/g)) {
        const target = path.resolve(path.dirname(file), match[1]);
        if (!allowed.some((dir) => target === dir || target.startsWith(`${dir}${path.sep}`))) {
          offending.push(`${path.relative(root, file)} → ${match[1]}`);
        }
      }
    }
    expect(offending).toEqual([]);
  });
});
