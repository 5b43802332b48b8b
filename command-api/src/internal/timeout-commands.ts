import { entityIdSchema, seatIdSchema } from '@concert/domain';
import { expireReservation, parseBody, parseParams, releaseOrphanSeat, requireRole, resumePayment } from '@concert/infra';
import type { Express } from 'express';
import { z } from 'zod';
import type { CommandApiDeps } from '../command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-route.js';

/** These commands carry everything in the path. */
const noBody = z.object({}).strict();

/**
 * Commands of the background workers (expiry saga, payment recovery), under /internal: the
 * gateway never routes there, and they also require the `system` role.
 */
export function timeoutCommandRoutes(app: Express, deps: CommandApiDeps): void {
  app.post(
    '/internal/reservations/:reservationId/expire',
    requireRole('system'),
    commandRoute(deps, 'expire-reservation', async (req, res) => {
      const { reservationId } = parseParams(z.object({ reservationId: entityIdSchema }), req);
      parseBody(noBody, req);
      const { outcome, position } = await expireReservation(commandContext(deps, res), reservationId);
      setConsistencyToken(res, position);
      res.status(200).json({ reservationId, outcome });
    }),
  );

  app.post(
    '/internal/seats/:scheduleId/:seatId/release',
    requireRole('system'),
    commandRoute(deps, 'release-orphan-seat', async (req, res) => {
      const input = parseParams(z.object({ scheduleId: entityIdSchema, seatId: seatIdSchema }), req);
      parseBody(noBody, req);
      const { outcome, position } = await releaseOrphanSeat(commandContext(deps, res), input);
      setConsistencyToken(res, position);
      res.status(200).json({ ...input, outcome });
    }),
  );

  app.post(
    '/internal/payments/:reservationId/resume',
    requireRole('system'),
    commandRoute(deps, 'resume-payment', async (req, res) => {
      const { reservationId } = parseParams(z.object({ reservationId: entityIdSchema }), req);
      parseBody(noBody, req);
      const outcome = await resumePayment(commandContext(deps, res), reservationId);
      setConsistencyToken(res, outcome.position);
      res.status(200).json({ ...outcome, position: undefined });
    }),
  );
}
