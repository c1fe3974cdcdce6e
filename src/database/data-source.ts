import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { loadConfig } from '../config/app-config';
import { databaseOptions } from '../config/database';

/** For the TypeORM CLI (migration:generate) and scripts. */
export default new DataSource({ ...databaseOptions(loadConfig()), migrationsRun: false });
