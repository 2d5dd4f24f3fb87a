/** Process entry: read config, pick the repository, listen, shut down gracefully. */
import type { Server } from 'node:http';
import { testPractice } from '../examples/practice';
import { createApp } from './app';
import { systemClock } from './clock';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { createLogger } from './logger';
import { MemoryRepository } from './record/memory/memory-repository';
import { softwareInfo } from './software';

function configOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    process.stderr.write(`${error instanceof ConfigError ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

function main(): void {
  const config = configOrExit();
  const logger = createLogger(config.logLevel);
  const repository = new MemoryRepository(testPractice(systemClock.today()));
  const app = createApp({ config, repository, clock: systemClock, logger, software: softwareInfo() });
  const server: Server = app.listen(config.port, config.host, () => {
    logger.info('listening', { url: `http://${config.host}:${config.port}${config.basePath}`, repository: 'memory' });
  });
  server.on('error', (error) => {
    process.stderr.write(`Cannot listen on ${config.host}:${config.port}: ${error.message}\n`);
    process.exit(1);
  });
  const stop = (signal: string) => {
    logger.info('shutting down', { signal });
    server.close(() => {
      void repository.close().then(() => process.exit(0));
    });
  };
  process.once('SIGTERM', () => stop('SIGTERM'));
  process.once('SIGINT', () => stop('SIGINT'));
}

main();
