import { DynamicModule, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { DataSource } from 'typeorm';
import { AuditModule } from './audit/audit.module';
import { AuthModule } from './auth/auth.module';
import { ScopeModule } from './access/scope.module';
import { CompletionsModule } from './completions/completions.module';
import { AppConfig } from './config/app-config';
import { databaseOptions } from './config/database';
import { ReadPoolModule } from './database/read-pool/read-pool.module';
import { installSqliteTransactionGate } from './database/sqlite-transaction-gate';
import { ImportsModule } from './imports/imports.module';
import { JobsModule } from './jobs/jobs.module';
import { KeptComplianceModule } from './compliance/kept/kept-compliance.module';
import { LevelsModule } from './levels/levels.module';
import { NotificationsModule } from './notifications/notifications.module';
import { loggerParams } from './operations/logging';
import { isLastingStartUpFault } from './operations/start-up';
import { OperationsModule } from './operations/operations.module';
import { OrganisationsModule } from './organisations/organisations.module';
import { DataProtectionModule } from './data-protection/data-protection.module';
import { DemoModule } from './demo/demo.module';
import { EvidenceModule } from './evidence/evidence.module';
import { MyTrainingModule } from './my-training/my-training.module';
import { PagesModule } from './pages/pages.module';
import { PeopleModule } from './people/people.module';
import { ReportsModule } from './reports/reports.module';
import { RequirementsModule } from './requirements/requirements.module';
import { RolesModule } from './roles/roles.module';
import { SessionsModule } from './sessions/sessions.module';
import { StaffModule } from './staff/staff.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  /** The whole application for a given configuration (tests pass their own database). */
  static register(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      global: true,
      imports: [
        LoggerModule.forRoot(loggerParams(config)),
        TypeOrmModule.forRootAsync({
          // Faults that another try will not mend are not retried: main.ts says what is wrong at once.
          useFactory: () => ({ ...databaseOptions(config), toRetry: (error: unknown) => !isLastingStartUpFault(error) }),
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource(options!).initialize();
            installSqliteTransactionGate(dataSource);
            return dataSource;
          },
        }),
        ReadPoolModule,
        ScopeModule,
        JobsModule,
        KeptComplianceModule,
        NotificationsModule,
        AuditModule,
        AuthModule,
        OrganisationsModule,
        LevelsModule,
        RolesModule,
        RequirementsModule,
        StaffModule,
        PeopleModule,
        UsersModule,
        CompletionsModule,
        SessionsModule,
        ImportsModule,
        ReportsModule,
        PagesModule,
        EvidenceModule,
        MyTrainingModule,
        DataProtectionModule,
        DemoModule,
        OperationsModule,
      ],
      providers: [{ provide: AppConfig, useValue: config }],
      exports: [AppConfig],
    };
  }
}
