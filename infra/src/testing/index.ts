export { startService, type ServiceProcess } from './service-process.js';
export { removeRunResources } from './remove-run-resources.js';
export { waitFor } from './wait-for.js';
