import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { AppConfig, loadConfig } from './config/app-config';
import { DemoSeeder } from './demo/demo.seeder';
import { TrackerLogger } from './operations/logging';
import { startUpMessage, startUpProblem } from './operations/start-up';
import { FirstAdmin } from './users/first-admin';

async function bootstrap(config: AppConfig) {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { bufferLogs: true, abortOnError: false });
  const logger = app.get(Logger);
  app.useLogger(new TrackerLogger(logger));
  await configureApp(app);
  if (config.SEED_DEMO === 'true') await app.get(DemoSeeder).seedIfEmpty();
  await app.get(FirstAdmin).ensure();
  await app.listen(config.PORT);
  const { port } = app.getHttpServer().address() as AddressInfo;
  for (const line of await startUpMessage(app.get<DataSource>(getDataSourceToken()), config, port)) logger.log(line, 'Tracker');
  // Stopping: no new requests, those in flight finish (GracefulShutdown), the database closes, exit 0.
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      logger.log(`${signal}: stopping`, 'Tracker');
      app.close().then(
        () => {
          logger.log('Stopped: requests finished and the database closed', 'Tracker');
          process.exit(0);
        },
        (error: unknown) => {
          logger.error(`Could not stop cleanly: ${error instanceof Error ? error.message : String(error)}`, 'Tracker');
          process.exit(1);
        },
      );
    });
  }
}

const config = loadConfig();
bootstrap(config).catch((error: unknown) => {
  // One clear sentence rather than a stack trace; the cause stays on the line after it.
  console.error(startUpProblem(error, config));
  console.error(`(${error instanceof Error ? error.message : String(error)})`);
  process.exit(1);
});
