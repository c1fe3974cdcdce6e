import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { DemoAccounts } from './demo-accounts';
import { DemoSeeder } from './demo.seeder';

@Module({ imports: [UsersModule], providers: [DemoSeeder, DemoAccounts], exports: [DemoSeeder, DemoAccounts] })
export class DemoModule {}
