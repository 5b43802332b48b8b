import { readFileSync } from 'node:fs';

interface ProfileNode {
  callFrame: { url: string; functionName: string };
  hitCount?: number;
}

/**
 * Self time of a `node --cpu-prof` profile grouped by where the code lives: a package under
 * node_modules, a workspace (`projectors/`, `infra/`, ...), node internals, or V8's own
 * pseudo-frames ((garbage collector), (idle), (program)). Largest first, as "share  group".
 */
export function cpuProfileByPackage(path: string, top = 12): string[] {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as { nodes: ProfileNode[] };
  const hits = new Map<string, number>();
  let total = 0;
  for (const node of profile.nodes) {
    const count = node.hitCount ?? 0;
    if (count === 0) continue;
    total += count;
    const key = groupOf(node.callFrame.url, node.callFrame.functionName);
    hits.set(key, (hits.get(key) ?? 0) + count);
  }
  return [...hits.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([key, count]) => `${((100 * count) / total).toFixed(1).padStart(5)}%  ${key}`);
}

function groupOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)';
  const pkg = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const workspace = /\/(domain|infra|projectors|scripts)\/src\/(?:([^/]+)\/)?/.exec(url);
  if (workspace) return `${workspace[1]}/${workspace[2] ?? ''}`;
  return url.replace(/^file:\/\//, '');
}
