import { Injectable, OnModuleInit } from '@nestjs/common';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../../config/project-root';
// hbs is CommonJS with no types of its own.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const hbs = require('hbs') as { registerPartial: (name: string, text: string) => void };

/**
 * Registers the report pages' own partials (views/reports/partials/*.hbs) as `reports-<name>`, so the
 * tables and charts shared by the quarterly, annual and needs analysis pages are written once.
 */
@Injectable()
export class ReportPartials implements OnModuleInit {
  onModuleInit(): void {
    const dir = join(projectRoot(), 'views/reports/partials');
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.hbs'))) {
      hbs.registerPartial(`reports-${file.replace(/\.hbs$/, '')}`, readFileSync(join(dir, file), 'utf8'));
    }
  }
}
