/** The baseline of the HTTP benches: express answering a small JSON body, nothing else. Prints its port. */
import express from 'express';

const app = express();
app.get('/', (_req, res) => {
  res.json({ ok: true, at: Date.now() });
});
const server = app.listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${typeof address === 'object' && address ? address.port : 0}\n`);
});
