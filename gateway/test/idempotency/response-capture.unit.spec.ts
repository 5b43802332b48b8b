import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { captureResponse, type CapturedResponse } from '../../src/idempotency/response-capture.js';

/**
 * The capture sees what any writer puts into the response, and the client still receives it
 * byte for byte, only after the capture has been handed over.
 */
describe('captureResponse', () => {
  let server: Server;
  let url: string;
  let captured: CapturedResponse[];
  let handedOverBeforeClientGotIt: boolean[];
  let clientDone = false;

  before(async () => {
    const app = express();
    app.use((_req, res, next) => {
      captureResponse(res, 16, async (response) => {
        await new Promise((resolve) => setTimeout(resolve, 30));
        handedOverBeforeClientGotIt.push(!clientDone);
        captured.push(response);
      });
      next();
    });
    app.get('/small', (_req, res) => {
      res.writeHead(201, {
        'Content-Type': 'text/plain',
        Location: '/x/1',
        'Content-Length': '11',
        'X-Other': 'not kept',
      });
      // Every byte before end(): a client reading Content-Length is done before end() is called.
      res.write('hello ', 'utf8');
      res.write(Buffer.from('world'));
      res.end();
    });
    app.get('/large', (_req, res) => {
      res.setHeader('Content-Type', 'text/plain');
      res.write('0123456789');
      res.write('abcdefghij');
      res.end('KLM');
    });
    server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  beforeEach(() => {
    captured = [];
    handedOverBeforeClientGotIt = [];
    clientDone = false;
  });

  after(() => {
    server.close();
  });

  const get = async (path: string): Promise<{ status: number; text: string }> => {
    const response = await fetch(`${url}${path}`);
    const text = await response.text();
    clientDone = true;
    return { status: response.status, text };
  };

  it('When a handler writes head, chunks and end, Then the capture holds the status, the replayed headers and the body, handed over before the client has it', async () => {
    expect(await get('/small')).to.deep.equal({ status: 201, text: 'hello world' });
    expect(captured).to.deep.equal([
      {
        status: 201,
        headers: { 'content-type': 'text/plain', location: '/x/1' },
        body: Buffer.from('hello world'),
        overflowed: false,
      },
    ]);
    expect(handedOverBeforeClientGotIt).to.deep.equal([true]);
  });

  it('When the body is larger than the bound, Then the client still gets all of it and the capture says it overflowed', async () => {
    expect(await get('/large')).to.deep.equal({ status: 200, text: '0123456789abcdefghijKLM' });
    expect(captured).to.have.length(1);
    expect(captured[0]).to.include({ status: 200, overflowed: true });
  });
});
