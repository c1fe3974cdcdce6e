import { createTestApp, databaseKinds, TestApp } from './support/app';
import { organisation } from './support/builders';
import { OwnPostgres, ownPostgresAvailable, startOwnPostgres } from './support/own-postgres';

// On a PostgreSQL cluster of its own, so restarting it disturbs no other suite.
if (databaseKinds().includes('postgres') && ownPostgresAvailable()) {
  describe('PostgreSQL restarted under a running server [postgres]', () => {
    let cluster: OwnPostgres;
    let t: TestApp;
    beforeAll(async () => {
      cluster = await startOwnPostgres();
      t = await createTestApp('postgres', { DATABASE_URL: cluster.url, DATABASE_SCHEMA: 'public' });
      await organisation(t.http(), 'PGR', null);
    });
    afterAll(async () => {
      await t?.app.close();
      cluster?.destroy();
    });

    it('answers a request caught by the restart with a clean error, and the next ones as before', async () => {
      expect((await t.http().get('/api/organisations/tree').expect(200)).body).toEqual([expect.objectContaining({ code: 'PGR' })]);
      cluster.restart();
      // A connection the restart closed may fail one request, with a message and no detail of the database.
      const caught = await t.http().get('/api/organisations/tree');
      expect([200, 500, 503]).toContain(caught.status);
      if (caught.status !== 200) expect(caught.body).toEqual({ statusCode: caught.status, error: expect.any(String), message: expect.any(String) });
      for (let i = 0; i < 3; i++) expect((await t.http().get('/api/organisations/tree').expect(200)).body).toEqual([expect.objectContaining({ code: 'PGR' })]);
      await t.anonymous().get('/health/ready').expect(200);
    });
  });
}
