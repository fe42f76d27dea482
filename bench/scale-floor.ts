/**
 * The scale bench's floor: a plain Express app answering a small string, run as a process of its own (as the
 * Palimpsest server is) so that both are measured the same way. Prints `floor listening on <url>`.
 */
import type { AddressInfo } from 'node:net';
import express from 'express';

const app = express();
app.get('/', (_req, res) => { res.send('Hello from a plain Express app'); });
const server = app.listen(0, '127.0.0.1', () => {
  process.stdout.write(`floor listening on http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
