// A stand-in for a peer that dies under load: listens, says so, then exits 400 ms later with a
// last word on stderr.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((_req, res) => res.end('ok'));
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ listening: (server.address() as AddressInfo).port })}\n`,
  );
  setTimeout(() => {
    process.stderr.write('fatal: out of luck\n');
    process.exit(3);
  }, 400);
});
