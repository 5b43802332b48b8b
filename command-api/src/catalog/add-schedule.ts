import { randomUUID } from 'node:crypto';
import { entityIdSchema, hasNoDuplicates, instantSchema, MAX_SEATS_PER_SCHEDULE, scheduleSeatSchema } from '@concert/domain';
import { addSchedule, parseBody, parseParams, requireRole } from '@concert/infra';
import type { Express } from 'express';
import { z } from 'zod';
import type { CommandApiDeps } from '../command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-route.js';

export const addScheduleBody = z
  .object({
    startsAt: instantSchema,
    seats: z
      .array(scheduleSeatSchema.strict())
      .min(1)
      .max(MAX_SEATS_PER_SCHEDULE)
      .refine((seats) => hasNoDuplicates(seats.map((s) => s.seatId)), 'seat ids must be distinct'),
  })
  .strict();

/** A seat map of 5,000 seats is about 250 KiB of JSON: this route alone gets a larger body limit. */
export const ADD_SCHEDULE_BODY_LIMIT_BYTES = 1024 * 1024;
// Case-insensitive, as express matches routes.
export const ADD_SCHEDULE_PATH = /^\/admin\/concerts\/[^/]+\/schedules\/?$/i;

/** POST /admin/concerts/{concertId}/schedules (admin) -> 201 {scheduleId} */
export function addScheduleRoute(app: Express, deps: CommandApiDeps): void {
  app.post(
    '/admin/concerts/:concertId/schedules',
    requireRole('admin'),
    commandRoute(deps, 'add-schedule', async (req, res) => {
      const { concertId } = parseParams(z.object({ concertId: entityIdSchema }), req);
      const body = parseBody(addScheduleBody, req);
      const scheduleId = randomUUID();
      const { position } = await addSchedule(commandContext(deps, res), { concertId, scheduleId, ...body });
      setConsistencyToken(res, position);
      res.status(201).json({ scheduleId });
    }),
  );
}
