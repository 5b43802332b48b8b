import { expect } from 'chai';
import { Router } from 'express';
import { Counter } from 'prom-client';
import { createMetricsRegistry } from '../../src/metrics/metrics.js';
import { startApp, type StartedApp } from './start-app.js';

describe('HTTP: Prometheus metrics', () => {
  let server: StartedApp;
  const registry = createMetricsRegistry({ service: 'metrics-test' });
  before(async () => {
    const holds = new Counter({ name: 'seat_holds_total', help: 'seats held', registers: [registry] });
    const reservations = Router();
    reservations.get('/:reservationId', (_req, res) => {
      holds.inc();
      res.json({});
    });
    reservations.post('/:reservationId/cancel', () => {
      throw new Error('boom');
    });
    server = await startApp(
      (app) => {
        app.use('/reservations', reservations);
      },
      { registry },
    );
  });
  after(() => server.close());

  async function scrape(): Promise<string> {
    const res = await fetch(`${server.url}/metrics`);
    expect(res.status).to.equal(200);
    expect(res.headers.get('content-type')).to.match(/^text\/plain/);
    return res.text();
  }

  it('When a request was served, Then /metrics has its duration labelled by route pattern', async () => {
    await (await fetch(`${server.url}/reservations/3f0c`)).json();
    const text = await scrape();
    expect(text).to.match(
      /http_request_duration_seconds_count\{[^}]*method="GET",route="\/reservations\/:reservationId",status_code="200"[^}]*\} 1/,
    );
    expect(text).not.to.include('/reservations/3f0c');
    expect(text).to.include('service="metrics-test"');
  });

  it('When a route inside a mounted router fails, Then the label keeps the mount path', async () => {
    await (await fetch(`${server.url}/reservations/abc/cancel`, { method: 'POST' })).json();
    expect(await scrape()).to.match(/route="\/reservations\/:reservationId\/cancel",status_code="500"/);
  });

  it('When no route matched, Then the raw path is not a label', async () => {
    await (await fetch(`${server.url}/scan/me/${Math.random()}`)).json();
    const text = await scrape();
    expect(text).to.match(/route="unmatched",status_code="404"/);
    expect(text).not.to.include('/scan/me');
  });

  it('When a service registers its own counter, Then the same scrape returns it with the default metrics', async () => {
    const text = await scrape();
    expect(text).to.match(/seat_holds_total\{[^}]*\} 1/);
    expect(text).to.include('process_cpu_user_seconds_total');
  });
});
