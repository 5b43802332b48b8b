export const ESDB_IMAGE = 'eventstore/eventstore:24.10.0-bookworm-slim';
const HTTP_PORT = 2113;

export interface EsdbServer {
  skipped: false;
  connectionString: string;
  stop(): Promise<void>;
}

export interface NoEsdbServer {
  skipped: true;
  /** One line: why there is no server. */
  reason: string;
}

/**
 * An EventStoreDB for tests and tools: EVENTSTORE_URL when set, else a throwaway container.
 * With neither it reports why instead of pretending: callers skip, never fake a server.
 */
export async function findEsdbServer(env: NodeJS.ProcessEnv = process.env): Promise<EsdbServer | NoEsdbServer> {
  const url = env.EVENTSTORE_URL;
  if (url) return { skipped: false, connectionString: url, stop: async () => undefined };
  try {
    // Loaded here, not at the top: a dev dependency that only matters when no URL is given.
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer(ESDB_IMAGE)
      .withEnvironment({
        EVENTSTORE_INSECURE: 'true',
        EVENTSTORE_CLUSTER_SIZE: '1',
        EVENTSTORE_MEM_DB: 'true',
        EVENTSTORE_RUN_PROJECTIONS: 'None',
        // The default 1 MiB per append refuses payloads the contract suite writes (a 1 MiB+ event).
        EVENTSTORE_MAX_APPEND_SIZE: String(8 * 1024 * 1024),
      })
      .withExposedPorts(HTTP_PORT)
      .withWaitStrategy(Wait.forHttp('/health/live', HTTP_PORT).forStatusCodeMatching((s) => s === 200 || s === 204))
      .withStartupTimeout(120_000)
      .start();
    return {
      skipped: false,
      connectionString: `esdb://${container.getHost()}:${container.getMappedPort(HTTP_PORT)}?tls=false`,
      stop: async () => {
        await container.stop();
      },
    };
  } catch (error) {
    const detail = (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
    return {
      skipped: true,
      reason: /container runtime strategy/i.test(detail)
        ? `EVENTSTORE_URL is not set and there is no container runtime (${detail})`
        : `EVENTSTORE_URL is not set and starting ${ESDB_IMAGE} failed: ${detail}`,
    };
  }
}
