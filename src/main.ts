import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { AddressInfo } from 'node:net';
import { Logger } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { loadConfig } from './config/app-config';
import { DemoSeeder } from './demo/demo.seeder';
import { TrackerLogger } from './operations/logging';
import { startUpMessage } from './operations/start-up';
import { FirstAdmin } from './users/first-admin';

async function bootstrap() {
  const config = loadConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { bufferLogs: true });
  const logger = app.get(Logger);
  app.useLogger(new TrackerLogger(logger));
  await configureApp(app);
  if (config.SEED_DEMO === 'true') await app.get(DemoSeeder).seedIfEmpty();
  await app.get(FirstAdmin).ensure();
  await app.listen(config.PORT);
  const { port } = app.getHttpServer().address() as AddressInfo;
  for (const line of await startUpMessage(app.get<DataSource>(getDataSourceToken()), config, port)) logger.log(line, 'Tracker');
}

void bootstrap();
