import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function readVersion(): string {
  for (const candidate of ['../package.json', '../../package.json']) {
    try {
      return (require(candidate) as { version: string }).version;
    } catch {
      // built output sits one level deeper than the sources
    }
  }
  return '0.0.0';
}

/** The package version, from package.json. */
export const VERSION = readVersion();
