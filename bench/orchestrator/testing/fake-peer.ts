// A stand-in for bench/peers/*: listens on PORT, says so, exits on SIGTERM.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const server = createServer((_req, res) => res.end('ok'));
server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  process.stdout.write(
    `${JSON.stringify({ listening: (server.address() as AddressInfo).port })}\n`,
  );
});
process.once('SIGTERM', () => server.close(() => process.exit(0)));
