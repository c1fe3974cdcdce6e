import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditContextInterceptor } from '../audit/audit-context.interceptor';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthPagesController } from './auth.pages.controller';
import { SignInService } from './sign-in.service';

/** Sign-in (pages and API tokens) and the guard every route passes. */
@Module({
  imports: [UsersModule],
  controllers: [AuthController, AuthPagesController],
  providers: [SignInService, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_INTERCEPTOR, useClass: AuditContextInterceptor }],
})
export class AuthModule {}
