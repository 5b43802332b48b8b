/**
 * Apps whose server has begun a graceful shutdown. `serve` marks the app and `/ready` reads
 * it, so the load balancer stops routing here while in-flight requests still finish.
 */
const shuttingDown = new WeakSet<object>();

export function markShuttingDown(app: object): void {
  shuttingDown.add(app);
}

export function isShuttingDown(app: object): boolean {
  return shuttingDown.has(app);
}
