import { Module } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AuditContextInterceptor } from '../audit/audit-context.interceptor';
import { SecondFactorModule } from '../second-factor/second-factor.module';
import { SingleSignOnModule } from '../single-sign-on/single-sign-on.module';
import { SingleSignOnPagesController } from '../single-sign-on/single-sign-on.pages.controller';
import { UsersModule } from '../users/users.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthPagesController } from './auth.pages.controller';
import { SignInService } from './sign-in.service';

/** Sign-in (passwords with a second factor, identity providers, API tokens) and the guard every route passes. */
@Module({
  imports: [UsersModule, SingleSignOnModule, SecondFactorModule],
  controllers: [AuthController, AuthPagesController, SingleSignOnPagesController],
  providers: [SignInService, { provide: APP_GUARD, useClass: AuthGuard }, { provide: APP_INTERCEPTOR, useClass: AuditContextInterceptor }],
})
export class AuthModule {}
