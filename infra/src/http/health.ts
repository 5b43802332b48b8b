import { Router } from 'express';
import { isShuttingDown } from './shutdown-state.js';

/** Resolves when the dependency answers; a resolved text (a role: `leader`, `standby`) is shown instead of `ok`. */
export type ReadinessCheck = () => Promise<void | string>;

export const READINESS_CHECK_TIMEOUT_MS = 1000;
const RETRY_AFTER_SECONDS = '1';

/**
 * `GET /health`: the process is alive (restart me only if this fails).
 * `GET /ready`: every dependency answers (send me traffic only if this succeeds).
 */
export function healthRouter(
  checks: Readonly<Record<string, ReadinessCheck>>,
  options: {
    timeoutMs?: number;
    /** false: `/ready` answers its status only, not what each check said (a public port). */ detail?: boolean;
  } = {},
): Router {
  const timeoutMs = options.timeoutMs ?? READINESS_CHECK_TIMEOUT_MS;
  const router = Router();

  router.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  router.get('/ready', async (req, res) => {
    const results = await Promise.all(
      Object.entries(checks).map(async ([name, check]) => [name, await outcomeOf(check, timeoutMs)] as const),
    );
    if (isShuttingDown(req.app)) results.push(['shutdown', { ok: false, text: 'shutting down' }]);
    const ready = results.every(([, outcome]) => outcome.ok);
    if (!ready) res.setHeader('Retry-After', RETRY_AFTER_SECONDS);
    // A probe must never see a cached answer.
    res.setHeader('Cache-Control', 'no-store');
    const status = ready ? 'ready' : 'unavailable';
    const said = Object.fromEntries(results.map(([name, outcome]) => [name, outcome.text]));
    res.status(ready ? 200 : 503).json(options.detail === false ? { status } : { status, checks: said });
  });

  return router;
}

/** 'ok' (or the check's own text), or why the check failed; a hung dependency counts as down after `timeoutMs`. */
async function outcomeOf(check: ReadinessCheck, timeoutMs: number): Promise<{ ok: boolean; text: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    const text = await Promise.race([Promise.resolve().then(check), timeout]);
    return { ok: true, text: text ?? 'ok' };
  } catch (error) {
    return { ok: false, text: error instanceof Error && error.message.length > 0 ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
