import fs from 'node:fs';
import path from 'node:path';

/** Every environment variable a config class declares (UPPER_CASE properties). */
function declaredVariables(): string[] {
  const dir = path.resolve('src/config');
  const names = new Set<string>();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.config.ts'))) {
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const match of source.matchAll(/^\s*(?:@[\w.]+\([^)]*\)\s*)*([A-Z][A-Z0-9_]+)\??:/gm)) {
      names.add(match[1]);
    }
  }
  return [...names].sort();
}

describe('configuration documentation', () => {
  const variables = declaredVariables();

  it('finds the declared variables', () => {
    expect(variables).toEqual(expect.arrayContaining(['PORT', 'DATABASE_URL', 'JWT_SECRET']));
  });

  it('lists every variable in the README configuration table', () => {
    const readme = fs.readFileSync('README.md', 'utf8');
    for (const name of variables) expect(readme).toMatch(new RegExp(`^\\| \`${name}\` +\\|`, 'm'));
  });

  it('lists every variable in .env.example', () => {
    const example = fs.readFileSync('.env.example', 'utf8');
    for (const name of variables) expect(example).toMatch(new RegExp(`^${name}=`, 'm'));
  });
});
