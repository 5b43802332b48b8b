export { startPatiently, startService, type ServiceProcess } from './service-process.js';
export { removeRunResources } from './remove-run-resources.js';
export { freePort } from './free-port.js';
export { TEST_REDIS_URL, randomKeyPrefix, openRedis, rejectionOf, sleep } from './test-redis.js';
