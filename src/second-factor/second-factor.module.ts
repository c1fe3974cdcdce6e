import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
import { SecondFactorAdminController } from './second-factor-admin.controller';
import { SecondFactorPagesController } from './second-factor.pages.controller';
import { SecondFactorService } from './second-factor.service';

/** Authenticator apps (TOTP) and recovery codes for local accounts. The sign-in step itself is in AuthModule. */
@Module({
  imports: [UsersModule],
  controllers: [SecondFactorPagesController, SecondFactorAdminController],
  providers: [SecondFactorService],
  exports: [SecondFactorService],
})
export class SecondFactorModule {}
