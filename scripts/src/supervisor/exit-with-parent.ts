/**
 * Preloaded into every supervised child (`--import`): when the supervisor dies without
 * stopping its children (SIGKILL, a crash), the child is re-parented; it notices within a
 * second and stops itself gracefully (SIGTERM), so no service outlives `npm start`.
 */
const supervisor = process.ppid;
const watch = setInterval(() => {
  if (process.ppid === supervisor) return;
  clearInterval(watch);
  process.kill(process.pid, 'SIGTERM');
}, 1000);
watch.unref();
