import { Global, Module } from '@nestjs/common';
import { ScopeService } from './scope.service';

/** Accounts, sign-in and the Scope every query goes through. */
@Global()
@Module({ providers: [ScopeService], exports: [ScopeService] })
export class AuthModule {}
