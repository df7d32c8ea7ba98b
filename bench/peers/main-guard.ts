import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** A started peer server: its port and a way to stop it. */
export interface RunningPeer {
  port: number;
  close(): Promise<void>;
}

/** True when the module at `importMetaUrl` is the script node (or tsx) was asked to run. */
export function isMain(importMetaUrl: string): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(importMetaUrl));
  } catch {
    return false;
  }
}

/**
 * The command-line life of a peer: start on `PORT` (0 = any free port), print
 * `{"listening":<port>}` on stdout, stop cleanly on SIGTERM or SIGINT.
 */
export function runPeer(start: (port: number) => Promise<RunningPeer>): void {
  const port = Number(process.env.PORT ?? 0);
  start(port).then(
    (peer) => {
      process.stdout.write(`${JSON.stringify({ listening: peer.port })}\n`);
      const stop = () => {
        peer.close().then(
          () => process.exit(0),
          () => process.exit(1),
        );
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`failed to start: ${String(error)}\n`);
      process.exit(1);
    },
  );
}
