/**
 * The OpenAPI document describes the answers, not only the requests: a client generated from it
 * (openapi-typescript + openapi-fetch) is typed, so a script that signs in, lists staff and reads
 * a gap analysis compiles without casts and runs against the app. Every operation has a summary,
 * a 2xx answer with a schema or content, and a security requirement unless it is public.
 *
 * The document does not depend on the database, so this runs on SQLite only.
 */
import { ModulesContainer, Reflector } from '@nestjs/core';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import ts from 'typescript';
import { PUBLIC_KEY } from '../src/auth/allow.decorator';
import { Scope } from '../src/auth/scope';
import { UsersService } from '../src/users/users.service';
import { completion, organisation, person, requirement, role } from './support/builders';
import { createTestApp, TEST_PASSWORD, TestApp } from './support/app';

/**
 * Operations that still lack something, and what: none now. The test fails while this list and
 * the document disagree, so it only shrinks.
 */
// Answers still described in words only: their shapes want response classes of their own.
const PENDING: Record<string, Gap[]> = {
  'GET /api/reports/evidence-pack': ['response schema'],
  'GET /api/reports/working-group-pack': ['response schema'],
  'GET /api/staff/{id}/subject-access': ['response schema'],
};

type Gap = 'summary' | 'response schema' | 'security requirement' | 'public but has a security requirement';

interface Schema {
  $ref?: string;
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  allOf?: Schema[];
  oneOf?: Schema[];
  nullable?: boolean;
}
interface Operation {
  operationId: string;
  summary?: string;
  security?: Record<string, string[]>[];
  responses: Record<string, { content?: Record<string, { schema?: Schema }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema>; securitySchemes?: Record<string, { type: string; scheme?: string; in?: string; name?: string }> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

function operations(doc: Document): [string, Operation][] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, op]): [string, Operation] => [`${method.toUpperCase()} ${path}`, op]),
  );
}

/** Whether the handler behind an operation (named ControllerClass_method by @nestjs/swagger) is @Public. */
function publicOperations(t: TestApp): (op: Operation) => boolean {
  const controllers = new Map<string, Function>();
  for (const module of t.app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) if (wrapper.metatype) controllers.set(wrapper.metatype.name, wrapper.metatype as Function);
  }
  const reflector = new Reflector();
  return (op) => {
    const [controllerName, method] = op.operationId.split('_');
    const controller = controllers.get(controllerName);
    if (!controller) throw new Error(`No controller ${controllerName} for ${op.operationId}`);
    return reflector.getAllAndOverride<boolean>(PUBLIC_KEY, [controller.prototype[method], controller]) ?? false;
  };
}

function gapsOf(op: Operation, isPublic: boolean): Gap[] {
  const gaps: Gap[] = [];
  if (!op.summary?.trim()) gaps.push('summary');
  const ok = Object.entries(op.responses ?? {}).filter(([status]) => /^2\d\d$/.test(status));
  // A 204 has no body by definition; any other 2xx must say what it answers.
  const described = ok.some(([status, r]) => status === '204' || Object.values(r.content ?? {}).some((media) => media.schema));
  if (!described) gaps.push('response schema');
  const secured = (op.security ?? []).some((requirement) => Object.keys(requirement).length > 0);
  if (!isPublic && !secured) gaps.push('security requirement');
  if (isPublic && secured) gaps.push('public but has a security requirement');
  return gaps;
}

/** Where a real answer and its schema disagree: keys the schema does not declare, or required keys missing. */
function mismatches(doc: Document, value: unknown, schema: Schema | undefined, at = '$'): string[] {
  if (!schema || value === null || value === undefined) return [];
  if (schema.$ref) return mismatches(doc, value, doc.components.schemas[schema.$ref.split('/').pop()!], at);
  const parts = [...(schema.allOf ?? []), ...(schema.oneOf ?? [])];
  if (parts.length > 0 && !schema.properties) {
    const merged = parts.map((p) => (p.$ref ? doc.components.schemas[p.$ref.split('/').pop()!] : p));
    if (schema.oneOf) return merged.map((p) => mismatches(doc, value, p, at)).reduce((best, m) => (m.length < best.length ? m : best));
    return mismatches(doc, value, { properties: Object.assign({}, ...merged.map((p) => p.properties)), required: merged.flatMap((p) => p.required ?? []) }, at);
  }
  if (Array.isArray(value)) return value.slice(0, 3).flatMap((v, i) => mismatches(doc, v, schema.items, `${at}[${i}]`));
  if (typeof value !== 'object' || !schema.properties) return [];
  const record = value as Record<string, unknown>;
  return [
    ...Object.keys(record).filter((k) => !(k in schema.properties!)).map((k) => `${at}.${k} is not in the schema`),
    ...(schema.required ?? []).filter((k) => !(k in record)).map((k) => `${at}.${k} is required but not answered`),
    ...Object.entries(record).flatMap(([k, v]) => mismatches(doc, v, schema.properties![k], `${at}.${k}`)),
  ];
}

/** The script a user would write against the generated client: no casts, the schemas are real. */
function clientScript(): string {
  return `
import createClient from 'openapi-fetch';
import type { paths } from './api';

export async function run(baseUrl: string, email: string, password: string) {
  const anonymous = createClient<paths, 'application/json'>({ baseUrl });
  const signIn = await anonymous.POST('/api/auth/token', { body: { email, password, name: 'typed client' } });
  if (!signIn.data) throw new Error('Signing in failed: ' + JSON.stringify(signIn.error));
  const token: string = signIn.data.token;
  const client = createClient<paths, 'application/json'>({ baseUrl, headers: { Authorization: 'Bearer ' + token } });

  const staff = await client.GET('/api/staff', { params: { query: { organisation: 'OC', pageSize: 10 } } });
  if (!staff.data) throw new Error('Listing staff failed: ' + JSON.stringify(staff.error));
  const employeeRef: string = staff.data.items[0].employeeRef;
  const total: number = staff.data.total;

  const gaps = await client.GET('/api/reports/gap-analysis', { params: { query: { organisation: 'OC', asOf: '2026-01-15' } } });
  if (!gaps.data) throw new Error('Reading the gap analysis failed: ' + JSON.stringify(gaps.error));
  const compliancePct: number | null = gaps.data.levels[0].compliancePct;
  const level: string = gaps.data.levels[0].level;

  return { employeeRef, total, level, compliancePct };
}
`;
}

/**
 * openapi-typescript's own CLI step, in a child Node process: its dependencies are ES modules,
 * which jest on Node 20 cannot require.
 */
async function generateTypes(doc: Document, folder: string): Promise<void> {
  writeFileSync(join(folder, 'openapi.json'), JSON.stringify(doc));
  const generate = `
    const { readFileSync, writeFileSync } = require('node:fs');
    import('openapi-typescript').then(async ({ default: openapiTS, astToString }) => {
      const ast = await openapiTS(JSON.parse(readFileSync(process.argv[1], 'utf8')));
      writeFileSync(process.argv[2], astToString(ast));
    });`;
  await promisify(execFile)(process.execPath, ['-e', generate, join(folder, 'openapi.json'), join(folder, 'api.d.ts')], { cwd: process.cwd() });
}

/** Type-checks the script against the generated types; answers the compiler's messages. */
function typeCheck(folder: string): string[] {
  const script = join(folder, 'client.ts');
  const program = ts.createProgram([script], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
    types: [],
    skipLibCheck: true,
    paths: { 'openapi-fetch': [require.resolve('openapi-fetch').replace(/index\.cjs$/, 'index.d.mts')] },
  });
  return ts
    .getPreEmitDiagnostics(program)
    .map((d) => `${d.file ? `${d.file.fileName.replace(folder, '')}:${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1}: ` : ''}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
}

describe('the OpenAPI document describes every answer [sqlite]', () => {
  jest.setTimeout(180_000);
  let t: TestApp;
  let doc: Document;
  let folder: string;
  let email: string;

  beforeAll(async () => {
    t = await createTestApp('sqlite');
    const http = t.http();
    await organisation(http, 'OC', null, { isEmployer: true, name: 'Open County' });
    await role(http, 'OPEN');
    await requirement(http, 'OPEN', 'L1');
    await person(http, { employeeRef: 'OC-1', organisationCode: 'OC', roleCodes: ['OPEN'] });
    await completion(http, 'OC-1', 'L1', '2025-06-01');
    email = `typed.client@test.example`;
    await t.app.get(UsersService).create(Scope.system(), { email, displayName: 'Typed Client', role: 'admin', organisationCode: null, staffEmployeeRef: null, password: TEST_PASSWORD });
    doc = (await http.get('/api/docs-json').expect(200)).body as Document;
    folder = mkdtempSync(join(tmpdir(), 'openapi-client-'));
  });
  afterAll(async () => {
    if (folder) rmSync(folder, { recursive: true, force: true });
    await t?.close();
  });

  it('declares the bearer token and the session cookie', () => {
    expect(doc.components.securitySchemes).toMatchObject({
      bearer: { type: 'http', scheme: 'bearer' },
      cookie: { type: 'apiKey', in: 'cookie', name: 'tracker.sid' },
    });
  });

  it('gives every operation a summary, a described 2xx answer and, unless public, a security requirement (except those still PENDING)', () => {
    const isPublic = publicOperations(t);
    const gaps = Object.fromEntries(
      operations(doc)
        .map(([key, op]) => [key, gapsOf(op, isPublic(op))] as const)
        .filter(([, g]) => g.length > 0),
    );
    expect(gaps).toEqual(PENDING);
  });

  it('describes the JSON body of every error answer it names', () => {
    const errors = operations(doc).flatMap(([key, op]) =>
      Object.entries(op.responses)
        .filter(([status]) => /^[45]\d\d$/.test(status))
        .filter(([, r]) => !r.content?.['application/json']?.schema)
        .map(([status]) => `${key} ${status}`),
    );
    expect(errors).toEqual([]);
    // Almost all of them are ErrorBody (the imports' 422 adds every row error).
    expect(doc.components.schemas.ErrorBody).toMatchObject({ required: ['statusCode', 'error', 'message'] });
  });

  it('describes what the app really answers (every key declared, every required key there)', async () => {
    const http = t.http();
    const staffId = (await http.get('/api/staff?organisation=OC').expect(200)).body.items[0].id as number;
    const calls: [string, string][] = [
      ['GET /api/staff', '/api/staff?organisation=OC'],
      ['GET /api/staff/{id}', `/api/staff/${staffId}`],
      ['GET /api/staff/{id}/compliance', `/api/staff/${staffId}/compliance?asOf=2026-01-15`],
      ['GET /api/completions', '/api/completions'],
      ['GET /api/organisations/tree', '/api/organisations/tree'],
      ['GET /api/requirements', '/api/requirements'],
      ['GET /api/audit', '/api/audit?pageSize=20'],
      ['GET /api/reports/gap-analysis', '/api/reports/gap-analysis?organisation=OC&asOf=2026-01-15'],
      ['GET /api/reports/gap-analysis/people', '/api/reports/gap-analysis/people?organisation=OC&level=L1&status=compliant,expiring,expired,missing'],
      ['GET /api/reports/quarterly', '/api/reports/quarterly?organisation=OC&year=2025&quarter=1'],
      ['GET /api/reports/annual', '/api/reports/annual?organisation=OC&year=2025'],
      ['GET /api/reports/needs-analysis', '/api/reports/needs-analysis?organisation=OC&asOf=2026-01-15'],
      ['GET /api/reports/trainer-coverage/trainers', '/api/reports/trainer-coverage/trainers?organisation=OC'],
      ['GET /api/reports/lead-coverage/leads', '/api/reports/lead-coverage/leads?organisation=OC'],
      ['GET /health', '/health'],
    ];
    const problems: string[] = [];
    for (const [key, url] of calls) {
      const [method, path] = key.split(' ');
      const schema = doc.paths[path][method.toLowerCase()].responses['200'].content!['application/json'].schema;
      const res = await (path === '/health' ? t.anonymous().get(url) : http.get(url)).expect(200);
      problems.push(...mismatches(doc, res.body, schema).map((m) => `${key}: ${m}`));
    }
    expect(problems).toEqual([]);
  });

  it('generates a typed client with openapi-typescript that a script signs in, lists staff and reads a gap analysis with, without casts', async () => {
    await generateTypes(doc, folder);
    writeFileSync(join(folder, 'client.ts'), clientScript());
    expect(typeCheck(folder)).toEqual([]);

    // Answers typed unknown would not compile: the same script reading a field that does not exist must fail.
    writeFileSync(join(folder, 'client.ts'), clientScript().replace('.items[0].employeeRef', '.items[0].payrollNumber'));
    expect(typeCheck(folder).join('\n')).toMatch(/payrollNumber/);

    // And it runs against the app.
    writeFileSync(join(folder, 'client.ts'), clientScript());
    const js = ts.transpileModule(clientScript(), { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    const exports: { run?: (baseUrl: string, email: string, password: string) => Promise<unknown> } = {};
    new Function('require', 'exports', js)((name: string) => (name === 'openapi-fetch' ? require('openapi-fetch') : require(name)), exports);
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    expect(await exports.run!(`http://127.0.0.1:${port}`, email, TEST_PASSWORD)).toEqual({ employeeRef: 'OC-1', total: 1, level: 'L1', compliancePct: 100 });
  });
});
