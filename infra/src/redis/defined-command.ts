import type { RedisClient } from './create-redis.js';

/** A script registered with `defineCommand`, as a function: keys and arguments in, its reply out. */
export type DefinedCommand = (...args: Array<string | number>) => Promise<unknown>;

/** ioredis adds defined commands as methods at runtime; its types cannot know them. */
export function definedCommand(client: RedisClient, name: string): DefinedCommand {
  const method: unknown = Reflect.get(client, name);
  if (typeof method !== 'function') throw new Error(`ioredis did not define the command ${name}`);
  return (...args) => Promise.resolve(method.apply(client, args) as unknown);
}
