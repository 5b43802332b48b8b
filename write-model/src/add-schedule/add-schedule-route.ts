import { randomUUID } from 'node:crypto';
import { addScheduleBody, concertIdParams, parseBody, parseParams, requireRole } from '@concert/infra';
import type { Express } from 'express';
import { addSchedule } from './add-schedule.js';
import type { CommandApiDeps } from '../command-loop/command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-loop/command-route.js';

/**
 * POST /admin/concerts/{concertId}/schedules (admin) -> 201 {scheduleId}, Location: the new
 * date's seat map (`GET /schedules/{scheduleId}/seats`, the public read of one schedule).
 */
export function addScheduleRoute(app: Express, deps: CommandApiDeps): void {
  app.post(
    '/admin/concerts/:concertId/schedules',
    requireRole('admin'),
    commandRoute(deps, 'add-schedule', async (req, res) => {
      const { concertId } = parseParams(concertIdParams, req);
      const body = parseBody(addScheduleBody, req);
      const scheduleId = randomUUID();
      const { position } = await addSchedule(commandContext(deps, res), { concertId, scheduleId, ...body });
      setConsistencyToken(res, position);
      res.status(201).location(`/schedules/${scheduleId}/seats`).json({ scheduleId });
    }),
  );
}
