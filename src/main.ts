/**
 * Process entry: read config, then serve. WORKERS=1 is one process doing everything; more is a
 * cluster primary forking that many workers, which share the FHIR port (docs/decisions.md D-70).
 */
import cluster from 'node:cluster';

import { runPrimary } from './cluster/primary';
import { type AppConfig, ConfigError, loadConfig } from './config';
import { serve } from './serve';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

const config = configOrExit();
if (cluster.isWorker) void serve(config, 'worker');
else if (config.workers > 1) void runPrimary(config);
else void serve(config, 'single');
