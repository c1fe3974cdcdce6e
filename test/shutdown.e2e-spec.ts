import { ClientRequest, IncomingMessage, request } from 'node:http';
import { connect } from 'node:net';
import { describeEachDatabase, freshDatabaseEnv } from './support/app';
import { ServerProcess, startServerProcess } from './support/server-process';

const ADMIN = { ADMIN_EMAIL: 'admin@council.example', ADMIN_PASSWORD: 'a long pass phrase only the tests know' };

/** A sign-in whose body is still being sent: in flight on the server once it has answered "100 Continue". */
async function slowSignIn(server: ServerProcess): Promise<{ req: ClientRequest; answer: Promise<{ status: number; body: string }> }> {
  const req = request(`${server.url}/api/auth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', expect: '100-continue' },
  });
  const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
    req.on('response', (res: IncomingMessage) => {
      let body = '';
      res.on('data', (c) => (body += c)).on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
  });
  await new Promise<void>((resolve) => req.on('continue', resolve));
  req.write(`{"email":"${ADMIN.ADMIN_EMAIL}",`);
  return { req, answer };
}

describeEachDatabase('Health checks and shutdown', (kind) => {
  let drop: () => Promise<void>;
  let server: ServerProcess | undefined;
  let env: Record<string, string>;
  beforeEach(async () => ({ env, drop } = await freshDatabaseEnv(kind)));
  afterEach(async () => {
    await server?.stop('SIGKILL');
    await drop();
  });

  it('answers live and ready once started, with no sign-in', async () => {
    server = await startServerProcess({ ...env, ...ADMIN });
    const live = await fetch(`${server.url}/health/live`);
    expect([live.status, await live.json()]).toEqual([200, { status: 'ok' }]);
    const ready = await fetch(`${server.url}/health/ready`);
    expect([ready.status, await ready.json()]).toEqual([200, { status: 'ok', database: kind }]);
  });

  it('on SIGTERM takes no new requests, finishes the one in flight, closes the database and exits 0', async () => {
    server = await startServerProcess({ ...env, ...ADMIN });
    const { req, answer } = await slowSignIn(server);
    server.child.kill('SIGTERM');
    await server.waitFor(/finishing 1 in flight/);
    await expect(fetch(`${server.url}/health/live`)).rejects.toThrow();
    req.end(`"password":"${ADMIN.ADMIN_PASSWORD}","name":"shutdown test"}`);
    const { status, body } = await answer;
    expect(status).toBe(201);
    expect(JSON.parse(body).token).toEqual(expect.any(String));
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/Stopped: requests finished and the database closed/);
  });

  it('while stopping answers not ready to a request on a connection already open, and closes it', async () => {
    server = await startServerProcess({ ...env, ...ADMIN });
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    let answers = '';
    socket.on('data', (c) => (answers += c));
    const closed = new Promise<void>((resolve) => socket.on('close', () => resolve()));
    const body = JSON.stringify({ email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD, name: 'ready test' });
    // A sign-in still being sent when the signal comes, and a readiness check pipelined behind it.
    socket.write(`POST /api/auth/token HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`);
    // "100 Continue": the server has the sign-in's headers, so it is in flight.
    await new Promise<void>((resolve) => socket.on('data', () => /100 Continue/.test(answers) && resolve()));
    socket.write(body.slice(0, 10));
    server.child.kill('SIGTERM');
    await server.waitFor(/finishing 1 in flight/);
    socket.write(`${body.slice(10)}GET /health/ready HTTP/1.1\r\nHost: localhost\r\nAccept: application/json\r\n\r\n`);
    await closed;
    expect(answers).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 201 /);
    expect(answers).toMatch(/HTTP\/1\.1 503 [^]*[Cc]onnection: close[^]*The server is shutting down/);
    expect(await server.exited).toBe(0);
  });

  it('closes a request still running when the grace period ends, and still exits 0', async () => {
    server = await startServerProcess({ ...env, ...ADMIN, SHUTDOWN_GRACE_SECONDS: '1' });
    const { answer } = await slowSignIn(server);
    server.child.kill('SIGTERM');
    await expect(answer).rejects.toThrow(/socket hang up|ECONNRESET/);
    expect(await server.exited).toBe(0);
    expect(server.output()).toMatch(/1 requests still running after 1 s/);
  });
});
