import { MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { LevelsModule } from '../levels/levels.module';
import { OrganisationsModule } from '../organisations/organisations.module';
import { RolesModule } from '../roles/roles.module';
import { CourseMappingsService } from './course-mappings.service';
import { ImportsController } from './imports.controller';
import { ImportsPagesController } from './imports.pages.controller';
import { ImportsService } from './imports.service';
import { pageUploadMiddleware } from './page-upload.middleware';
import { RoleRulesService } from './role-rules.service';

/** Staff lists from HR systems and completions from learning platforms, as CSV or XLSX. */
@Module({
  imports: [OrganisationsModule, LevelsModule, RolesModule],
  controllers: [ImportsController, ImportsPagesController],
  providers: [ImportsService, CourseMappingsService, RoleRulesService],
})
export class ImportsModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(pageUploadMiddleware()).forRoutes({ path: 'imports/new', method: RequestMethod.POST });
  }
}
