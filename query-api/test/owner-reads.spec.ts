import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { QueryApiHarness, expectProblem } from './query-api-harness.js';
import { givenPayment, givenReservation, givenWallet } from './read-model-rows.js';

describe('query API: a user reads their own reservations, payments and wallet', () => {
  const api = new QueryApiHarness();
  const owner = randomUUID();
  const stranger = randomUUID();
  before(() => api.start());
  after(() => api.stop());

  it('When the owner reads a held reservation, Then it is {reservationId, status, seatIds, amount, expiresAt, scheduleId}', async () => {
    const scheduleId = randomUUID();
    const reservationId = await givenReservation(api.writer, {
      userId: owner,
      scheduleId,
      seatIds: ['A-1', 'A-2'],
      amount: 240_000,
      expiresAt: new Date('2030-01-01T00:05:00.000Z'),
    });
    const response = await api.get(`/reservations/${reservationId}`, { user: owner });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({
      reservationId,
      status: 'HELD',
      seatIds: ['A-1', 'A-2'],
      amount: 240_000,
      expiresAt: '2030-01-01T00:05:00.000Z',
      scheduleId,
    });
  });

  it('When the owner reads a paid reservation, Then it carries its paymentId', async () => {
    const paymentId = randomUUID();
    const reservationId = await givenReservation(api.writer, { userId: owner, status: 'CONFIRMED', paymentId });
    const response = await api.get(`/reservations/${reservationId}`, { user: owner });
    expect(response.body).to.include({ reservationId, status: 'CONFIRMED', paymentId });
  });

  it("When another user reads someone's reservation, Then it is 403 forbidden", async () => {
    const reservationId = await givenReservation(api.writer, { userId: owner });
    expectProblem(await api.get(`/reservations/${reservationId}`, { user: stranger }), 403, 'forbidden');
  });

  it('When the reservation does not exist, Then it is 404 reservation-not-found', async () => {
    expectProblem(await api.get(`/reservations/${randomUUID()}`, { user: owner }), 404, 'reservation-not-found');
  });

  it('When the owner reads a payment, Then it is {paymentId, reservationId, status, amount}', async () => {
    const reservationId = await givenReservation(api.writer, { userId: owner, status: 'CONFIRMED' });
    const paymentId = await givenPayment(api.writer, { userId: owner, reservationId, amount: 120_000 });
    const response = await api.get(`/payments/${paymentId}`, { user: owner });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ paymentId, reservationId, status: 'COMPLETED', amount: 120_000 });
  });

  it("When another user reads someone's payment, Then it is 403 forbidden", async () => {
    const paymentId = await givenPayment(api.writer, { userId: owner, reservationId: randomUUID(), amount: 1 });
    expectProblem(await api.get(`/payments/${paymentId}`, { user: stranger }), 403, 'forbidden');
  });

  it('When the payment does not exist, Then it is 404 payment-not-found', async () => {
    expectProblem(await api.get(`/payments/${randomUUID()}`, { user: owner }), 404, 'payment-not-found');
  });

  it('When a user with a wallet reads it, Then it is {balance}', async () => {
    const user = randomUUID();
    await givenWallet(api.writer, user, 350_000);
    const response = await api.get('/me/wallet', { user });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ balance: 350_000 });
  });

  it('When a user who never charged reads the wallet, Then the balance is 0', async () => {
    const response = await api.get('/me/wallet', { user: randomUUID() });
    expect(response.status).to.equal(200);
    expect(response.body).to.deep.equal({ balance: 0 });
  });

  it("When a user lists their reservations, Then only their own come, newest first, in the single reservation's shape", async () => {
    const user = randomUUID();
    const older = await givenReservation(api.writer, { userId: user, createdAt: new Date('2030-01-01T10:00:00Z') });
    const newer = await givenReservation(api.writer, {
      userId: user,
      createdAt: new Date('2030-01-01T11:00:00Z'),
      status: 'CANCELLED',
    });
    await givenReservation(api.writer, { userId: stranger });

    const response = await api.get<Record<string, unknown>[]>('/me/reservations', { user });

    expect(response.status).to.equal(200);
    expect(response.body.map((r) => r.reservationId)).to.deep.equal([newer, older]);
    expect(response.body[0]).to.include({ reservationId: newer, status: 'CANCELLED', amount: 100 });
    expect(response.headers.get('x-next-cursor')).to.equal(null);
    // Field for field what GET /reservations/{id} answers for each (scheduleId included).
    for (const item of response.body) {
      const detail = await api.get(`/reservations/${String(item.reservationId)}`, { user });
      expect(item).to.deep.equal(detail.body);
      expect(item).to.have.property('scheduleId');
    }
  });
});
