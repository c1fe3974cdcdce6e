import { Injectable, Optional } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service';
import { AppSetting } from '../auth/app-setting.entity';
import { AppConfig } from '../config/app-config';
import { PrivacyControllerDto, PrivacyInformationView } from './privacy.dto';
import { RetentionPolicyService } from './retention-policy.service';
import { yearsText } from './retention-words';

export const PRIVACY_CONTROLLER_SETTING = 'privacy_controller';

/** What the page says until a retention period is known (the retention policy's own default). */
export const DEFAULT_RETENTION = '6 years after a person leaves';

/** The privacy information: the controller's details (an app setting) and the retention period. */
@Injectable()
export class PrivacyService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    // Optional so the page still answers, with the default period, where the retention policy is not part of the app.
    @Optional() private readonly retention?: RetentionPolicyService,
  ) {}

  async information(): Promise<PrivacyInformationView> {
    const [controller, retention] = await Promise.all([this.controller(), this.retentionWords()]);
    return { controller, retention, url: privacyUrl(this.config.PUBLIC_URL) };
  }

  async controller(): Promise<PrivacyControllerDto | null> {
    const setting = await this.dataSource.manager.findOne(AppSetting, { where: { key: PRIVACY_CONTROLLER_SETTING } });
    if (!setting) return null;
    try {
      return JSON.parse(setting.value) as PrivacyControllerDto;
    } catch {
      return null;
    }
  }

  /** Only from a scope covering the whole partnership (the routes are @PartnershipWide); recorded in the audit log. */
  async setController(details: PrivacyControllerDto): Promise<PrivacyControllerDto> {
    const wanted: PrivacyControllerDto = {
      controllerName: details.controllerName,
      controllerAddress: details.controllerAddress,
      controllerEmail: details.controllerEmail,
      dpoName: details.dpoName || undefined,
      dpoEmail: details.dpoEmail,
      dpoPhone: details.dpoPhone || undefined,
    };
    await this.dataSource.transaction(async (m) => {
      const before = await m.findOne(AppSetting, { where: { key: PRIVACY_CONTROLLER_SETTING } });
      await m.save(AppSetting, { key: PRIVACY_CONTROLLER_SETTING, value: JSON.stringify(wanted) });
      // app_settings are not audited by the subscriber: this partnership-wide setting is recorded here.
      await this.audit.record({ action: 'update', entity: 'privacy_controller', entityKey: null, before: before ? JSON.parse(before.value) : null, after: wanted, organisationId: null }, undefined, m);
    });
    return wanted;
  }

  /** The partnership's period from the retention policy ("6 years after a person leaves"). */
  private async retentionWords(): Promise<string> {
    if (!this.retention) return DEFAULT_RETENTION;
    return `${yearsText(await this.retention.defaultYears())} after a person leaves`;
  }
}

export const privacyUrl = (publicUrl: string) => `${publicUrl}/privacy`;
