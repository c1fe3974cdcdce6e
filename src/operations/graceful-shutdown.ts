import { BeforeApplicationShutdown, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { AppConfig } from '../config/app-config';

/**
 * On SIGTERM or SIGINT main.ts closes the app: the server stops listening and answers not
 * ready, lets the requests in flight finish for up to SHUTDOWN_GRACE_SECONDS, then closes the
 * connections left; Nest then closes the database.
 */
@Injectable()
export class GracefulShutdown implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Shutdown');
  private inFlight = 0;
  /** True from the moment a shutdown starts: /health/ready answers 503 so a proxy stops sending requests. */
  stopping = false;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly config: AppConfig,
  ) {}

  private server(): Server | undefined {
    return this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
  }

  onApplicationBootstrap(): void {
    this.server()?.on('request', (_req: IncomingMessage, res: ServerResponse) => {
      this.inFlight++;
      // A keep-alive connection is not reused once the server is stopping.
      if (this.stopping) res.setHeader('Connection', 'close');
      res.on('close', () => this.inFlight--);
    });
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const server = this.server();
    if (!server?.listening) return;
    this.logger.log(`No new requests; finishing ${this.inFlight} in flight (up to ${this.config.SHUTDOWN_GRACE_SECONDS} s)`);
    await new Promise<void>((resolve) => {
      const idle = setInterval(() => server.closeIdleConnections(), 100);
      const deadline = setTimeout(() => {
        if (this.inFlight > 0) this.logger.warn(`${this.inFlight} requests still running after ${this.config.SHUTDOWN_GRACE_SECONDS} s: closing their connections`);
        server.closeAllConnections();
      }, this.config.SHUTDOWN_GRACE_SECONDS * 1000);
      server.close(() => {
        clearInterval(idle);
        clearTimeout(deadline);
        resolve();
      });
    });
  }
}
