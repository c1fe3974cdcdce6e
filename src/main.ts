import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp } from './app.setup';
import { loadConfig } from './config/app-config';
import { DemoSeeder } from './demo/demo.seeder';
import { FirstAdmin } from './users/first-admin';

async function bootstrap() {
  const config = loadConfig();
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  await configureApp(app);
  if (config.SEED_DEMO === 'true') await app.get(DemoSeeder).seedIfEmpty();
  await app.get(FirstAdmin).ensure();
  await app.listen(config.PORT);
  app.get(Logger).log(`Prevent training tracker listening on http://localhost:${config.PORT}`);
}

void bootstrap();
