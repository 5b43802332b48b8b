export { startPatiently, startService, type ServiceProcess } from './service-process.js';
export { removeRunResources } from './remove-run-resources.js';
