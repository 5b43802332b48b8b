import { randomUUID } from 'node:crypto';
import { addSchedule, addScheduleBody, concertIdParams, parseBody, parseParams, requireRole } from '@concert/infra';
import type { Express } from 'express';
import type { CommandApiDeps } from '../command-api-deps.js';
import { commandContext, commandRoute, setConsistencyToken } from '../command-route.js';

/** POST /admin/concerts/{concertId}/schedules (admin) -> 201 {scheduleId} */
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
      res.status(201).json({ scheduleId });
    }),
  );
}
