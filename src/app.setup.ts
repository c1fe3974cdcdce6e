import { ValidationPipe } from '@nestjs/common';
import { ModuleRef, Reflector } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import helmet from 'helmet';
import { join } from 'node:path';
import { installWebSecurity, requireSignedIn, SESSION_COOKIE } from './auth/web-security';
import { FieldError } from './common/field-error';
import { countRequestsBeingAnswered, requestsAtOnce } from './common/requests-at-once';
import { AppConfig } from './config/app-config';
import { FormPageInterceptor } from './common/form-page';
import { HttpExceptionFilter } from './common/http-exception.filter';
import { BEARER_SCHEME, SESSION_COOKIE_SCHEME } from './common/openapi';
import { registerViewHelpers } from './common/view-helpers';
import { installPageShell } from './pages/page-shell';
import { projectRoot } from './config/project-root';

/** Everything main.ts and the tests both need: views, assets, validation, errors, headers, docs. */
export async function configureApp(app: NestExpressApplication): Promise<NestExpressApplication> {
  const root = projectRoot();
  app.use(countRequestsBeingAnswered());
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: { 'script-src': ["'self'"], 'img-src': ["'self'", 'data:'], 'upgrade-insecure-requests': null },
      },
    }),
  );
  app.useStaticAssets(join(root, 'node_modules/govuk-frontend/dist/govuk/assets'), { prefix: '/assets/' });
  app.useStaticAssets(join(root, 'node_modules/govuk-frontend/dist/govuk'), { prefix: '/govuk/', index: false });
  app.useStaticAssets(join(root, 'node_modules/accessible-autocomplete/dist'), { prefix: '/accessible-autocomplete/', index: false });
  app.useStaticAssets(join(root, 'views/static'), { prefix: '/static/' });
  app.use(requestsAtOnce(app.get(AppConfig).REQUESTS_AT_ONCE));
  await installWebSecurity(app);
  app.setBaseViewsDir(join(root, 'views'));
  app.setViewEngine('hbs');
  app.set('view options', { layout: 'layouts/main' });
  // Compile each template once, not on every page: Express only caches views when NODE_ENV is
  // "production", and the views do not change while the server runs.
  app.set('view cache', true);
  registerViewHelpers(join(root, 'views/partials'));
  installPageShell(app);
  app.useGlobalPipes(
    new ValidationPipe({
      whitelist: true,
      forbidNonWhitelisted: true,
      transform: true,
      transformOptions: { enableImplicitConversion: false },
      // Each problem names its field, as a service's FieldError does; pages read the same DTO messages.
      exceptionFactory: (failures) => FieldError.fromApiValidation(failures),
    }),
  );
  app.useGlobalInterceptors(new FormPageInterceptor(app.get(Reflector), app.get(ModuleRef)));
  app.useGlobalFilters(new HttpExceptionFilter());
  // Built on the first request for it, not at start: generating it takes longer than the rest of start-up.
  const document = () =>
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle('Prevent training tracker')
        .setDescription('Organisations, staff, Prevent training completions and the reports built on them. Dates are ISO YYYY-MM-DD.')
        .setVersion('1')
        .addBearerAuth(
          { type: 'http', scheme: 'bearer', bearerFormat: 'personal API token', description: 'A personal API token: POST /api/auth/token with your email and password, or create one on your account page' },
          BEARER_SCHEME,
        )
        .addCookieAuth(
          SESSION_COOKIE,
          { type: 'apiKey', in: 'cookie', description: 'The session of a browser signed in at /sign-in; changes also need the x-csrf-token header' },
          SESSION_COOKIE_SCHEME,
        )
        .build(),
    );
  // The API description is for signed-in users and scripts only, like everything but sign-in and health.
  app.use(['/api/docs', '/api/docs-json', '/api/docs-yaml'], requireSignedIn(app));
  SwaggerModule.setup('api/docs', app, document);
  return app;
}
