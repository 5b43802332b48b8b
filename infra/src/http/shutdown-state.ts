/**
 * Apps whose server has begun a graceful shutdown. `serve` marks the app and `/ready` reads
 * it, so the load balancer stops routing here while in-flight requests still finish.
 */
const shuttingDown = new WeakSet<object>();

/** Listeners served in front of an app (a fast path that hands the rest to it): marking one marks the app too. */
const appsBehind = new WeakMap<object, object>();

export function markShuttingDown(app: object): void {
  shuttingDown.add(app);
  const behind = appsBehind.get(app);
  if (behind !== undefined) markShuttingDown(behind);
}

/** `front` answers some requests itself and hands the others to `app`: serving `front` shuts `app` down with it. */
export function shareShutdownState(front: object, app: object): void {
  appsBehind.set(front, app);
}

export function isShuttingDown(app: object): boolean {
  return shuttingDown.has(app);
}
