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
import { quarterOf, todayIso } from '../src/common/dates';
import { UsersService } from '../src/users/users.service';
import { completion, organisation, person, requirement, role } from './support/builders';
import { createTestApp, TEST_PASSWORD, TestApp } from './support/app';
import { emptyArrays, mismatches, okSchemaOf, type OpenApiDocument as Document, type Operation } from './support/openapi-answers';

/**
 * Operations that still lack something, and what: none now. The test fails while this list and
 * the document disagree, so it only shrinks.
 */
const PENDING: Record<string, Gap[]> = {};

/**
 * The arrays the data here leaves empty in the answers whose every array is checked: what an empty
 * array would hold is not checked, so each one left empty says where it is checked instead.
 */
const LEFT_EMPTY: Record<string, string[]> = {
  'GET /api/reports/evidence-pack': [],
  'GET /api/reports/working-group-pack': [],
  // test/data-protection-access.e2e-spec.ts checks the exports of people who have these (sign-in providers are plain strings).
  'GET /api/staff/{id}/subject-access': ['$.evidenceUploads', '$.bookingRequests', '$.sessionsTrained', '$.messages', '$.signInLinks', '$.account.signInProviders'],
};

type Gap = 'summary' | 'response schema' | 'security requirement' | 'public but has a security requirement';

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
    // OC and WG-A, below WG: OC-1 is OC's Prevent lead, has an account, attended a session today (WG-T trained it) and gave
    // feedback on it; WG-A has nobody with L1 against WG's target of 85%, and no Prevent lead (the Working Group pack's exceptions).
    await organisation(http, 'WG', null, { name: 'Working Group' });
    await organisation(http, 'OC', 'WG', { isEmployer: true, name: 'Open County' });
    await organisation(http, 'WG-A', 'WG', { isEmployer: true, name: 'Working Group school' });
    await role(http, 'OPEN');
    await role(http, 'DSL', 'Designated safeguarding lead');
    await requirement(http, 'OPEN', 'L1');
    await person(http, { employeeRef: 'OC-1', organisationCode: 'OC', roleCodes: ['OPEN', 'DSL'] });
    await completion(http, 'OC-1', 'L1', '2025-06-01');
    await person(http, { employeeRef: 'WG-1', organisationCode: 'WG-A', roleCodes: ['OPEN'] });
    await person(http, { employeeRef: 'WG-T', organisationCode: 'WG-A' });
    await completion(http, 'WG-T', 'L3', '2025-06-01');
    await http.put('/api/targets/organisations/WG/L1').send({ targetPercent: 85 }).expect(200);
    const today = todayIso();
    const session = (
      await http.post('/api/sessions').send({ levelCode: 'L2', title: 'WRAP', startsAt: `${today}T09:30`, endsAt: `${today}T12:30`, venue: 'Room 1', hostOrganisationCode: 'OC', capacity: 10, trainerEmployeeRefs: ['WG-T'] }).expect(201)
    ).body.id as number;
    await http.post(`/api/sessions/${session}/bookings`).send({ employeeRef: 'OC-1' }).expect(201);
    await http.put(`/api/sessions/${session}/register`).send({ attended: ['OC-1'], noShow: [] }).expect(200);
    const feedbackToken = (await http.post(`/api/sessions/${session}/feedback-link`).send({ daysOpen: 14 }).expect(200)).body.token as string;
    await t.anonymous().post(`/api/feedback/${feedbackToken}`).send({ overallRating: 5, employeeRef: 'OC-1', comments: 'Clear' }).expect(201);
    await t.as('coordinator', 'OC', 'OC-1');
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
    const thisQuarter = quarterOf(todayIso());
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
      ['GET /api/reports/evidence-pack', '/api/reports/evidence-pack?organisation=OC'],
      // This quarter's, running: the session of today and its feedback are in it.
      ['GET /api/reports/working-group-pack', `/api/reports/working-group-pack?organisation=WG&year=${thisQuarter.year}&quarter=${thisQuarter.quarter}`],
      ['GET /api/staff/{id}/subject-access', `/api/staff/${staffId}/subject-access`],
      ['GET /health', '/health'],
    ];
    const problems: string[] = [];
    const empty: Record<string, string[]> = {};
    for (const [key, url] of calls) {
      const schema = okSchemaOf(doc, key);
      if (!schema) problems.push(`${key}: its 200 answer has no JSON schema`);
      const res = await (key === 'GET /health' ? t.anonymous().get(url) : http.get(url)).expect(200);
      problems.push(...mismatches(doc, res.body, schema).map((m) => `${key}: ${m}`));
      if (key in LEFT_EMPTY) empty[key] = emptyArrays(doc, res.body, schema);
    }
    expect(problems).toEqual([]);
    expect(empty).toEqual(LEFT_EMPTY);
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
