import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { InjectDataSource } from '@nestjs/typeorm';
import { Public } from '../auth/allow.decorator';
import { DataSource } from 'typeorm';
import { ErrorBody } from '../common/openapi';
import { GracefulShutdown } from '../operations/graceful-shutdown';

export class HealthView {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
  @ApiProperty({ enum: ['postgres', 'sqlite'] }) database: string;
}

export class LiveView {
  @ApiProperty({ enum: ['ok'] }) status: 'ok';
}

@ApiTags('health')
@Controller('health')
export class HealthController {
  /** Once every migration has been seen applied it stays so: migrations only run at start. */
  private migrated = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly shutdown: GracefulShutdown,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Check that the service and its database are up', description: 'No sign-in needed.' })
  @ApiOkResponse({ type: HealthView })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: 'The database is not answering' })
  async check(): Promise<HealthView> {
    await this.databaseAnswers();
    return { status: 'ok', database: this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite' };
  }

  @Get('live')
  @Public()
  @ApiOperation({ summary: 'Check that the server process is running', description: 'No sign-in needed, no database call: restart the server only when this fails.' })
  @ApiOkResponse({ type: LiveView })
  live(): LiveView {
    return { status: 'ok' };
  }

  @Get('ready')
  @Public()
  @ApiOperation({
    summary: 'Check that the server can take requests',
    description: 'No sign-in needed. Ready once the database migrations have run and the database answers; not ready while the server is shutting down, so a proxy sends requests elsewhere.',
  })
  @ApiOkResponse({ type: HealthView })
  @ApiServiceUnavailableResponse({ type: ErrorBody, description: 'Shutting down, migrations not run, or the database is not answering' })
  async ready(): Promise<HealthView> {
    if (this.shutdown.stopping) throw new ServiceUnavailableException('The server is shutting down');
    await this.databaseAnswers();
    if (!this.migrated) {
      const pending = await this.dataSource.showMigrations().catch(() => true);
      if (pending) throw new ServiceUnavailableException('The database migrations have not all run');
      this.migrated = true;
    }
    return { status: 'ok', database: this.dataSource.options.type === 'postgres' ? 'postgres' : 'sqlite' };
  }

  private async databaseAnswers(): Promise<void> {
    try {
      await this.dataSource.query('SELECT 1');
    } catch {
      throw new ServiceUnavailableException('The database is not answering');
    }
  }
}
