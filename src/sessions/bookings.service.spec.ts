import { addDays, todayIso } from '../common/dates';
import { completion, organisation, person } from '../../test/support/builders';
import { createMedium, Medium } from '../../test/support/medium';
import { BookingsService } from './bookings.service';

/** BookingsService with a real scope on a fresh SQLite database: places, the waiting list, who may book whom. */
describe('BookingsService', () => {
  let t: Medium;
  let bookings: BookingsService;
  let sessionId: number;

  beforeAll(async () => {
    t = await createMedium();
    bookings = t.app.get(BookingsService);
    const admin = t.http();
    await organisation(admin, 'COUNTY', null, { isEmployer: true });
    await organisation(admin, 'TEAM', 'COUNTY');
    await organisation(admin, 'OTHER', 'COUNTY');
    await person(admin, { employeeRef: 'TR', organisationCode: 'COUNTY' });
    await completion(admin, 'TR', 'L3', addDays(todayIso(), -30));
    await person(admin, { employeeRef: 'MGR', organisationCode: 'TEAM' });
    for (const ref of ['T1', 'T2', 'T3']) await person(admin, { employeeRef: ref, organisationCode: 'TEAM' });
    await person(admin, { employeeRef: 'O1', organisationCode: 'OTHER' });
    const inAWeek = addDays(todayIso(), 7);
    const session = await admin
      .post('/api/sessions')
      .send({ levelCode: 'L2', title: 'WRAP', startsAt: `${inAWeek}T09:30`, endsAt: `${inAWeek}T12:30`, venue: 'Shire Hall', hostOrganisationCode: 'COUNTY', capacity: 2, trainerEmployeeRefs: ['TR'] })
      .expect(201);
    sessionId = session.body.id;
  });
  afterAll(() => t.close());

  it('books up to the capacity, then puts people on the waiting list in order', async () => {
    const manager = await t.scopeOf('manager', 'TEAM', 'MGR');
    const result = await bookings.book(manager, sessionId, { employeeRefs: ['T1', 'T2', 'T3'] });
    expect(result.results.map((r) => [r.employeeRef, r.booking.status])).toEqual([
      ['T1', 'booked'],
      ['T2', 'booked'],
      ['T3', 'waiting'],
    ]);
  });

  it('lets a manager book only their own people onto a session hosted above them', async () => {
    const manager = await t.scopeOf('manager', 'TEAM', 'MGR');
    await expect(bookings.book(manager, sessionId, { employeeRef: 'O1' })).rejects.toMatchObject({ status: 422 });
    const [{ n }] = await t.dataSource.query("SELECT COUNT(*) AS n FROM bookings b JOIN staff s ON s.id = b.staff_id WHERE s.employee_ref = 'O1'");
    expect(Number(n)).toBe(0);
  });

  it('promotes the first on the waiting list when a place frees', async () => {
    const coordinator = await t.scopeOf('coordinator', 'COUNTY');
    const { bookings: all } = await bookings.list(coordinator, sessionId);
    const t1 = all.find((b) => b.employeeRef === 'T1')!;
    const cancelled = await bookings.cancel(coordinator, sessionId, t1.id);
    expect(cancelled.promoted?.employeeRef).toBe('T3');
    const after = (await bookings.list(coordinator, sessionId)).bookings;
    expect(after.filter((b) => b.status === 'booked').map((b) => b.employeeRef).sort()).toEqual(['T2', 'T3']);
    expect(after.some((b) => b.employeeRef === 'T1' && b.status !== 'cancelled')).toBe(false);
  });

  it('books a person chosen on a page only when the manager can reach them, and lists their places', async () => {
    const manager = await t.scopeOf('manager', 'TEAM', 'MGR');
    const idOf = async (ref: string) => Number((await t.dataSource.query(`SELECT id FROM staff WHERE employee_ref = '${ref}'`))[0].id);
    await expect(bookings.bookPerson(manager, sessionId, await idOf('O1'))).rejects.toMatchObject({ status: 404 });
    const again = await bookings.bookPerson(manager, sessionId, await idOf('T2'));
    expect(again).toMatchObject({ booked: 0, waiting: 0, alreadyBooked: 1 });
    const places = await bookings.upcomingFor(manager, [await idOf('T1'), await idOf('T2')]);
    expect(places.get(await idOf('T2'))?.map((p) => [p.sessionTitle, p.status])).toEqual([['WRAP', 'booked']]);
    expect(places.has(await idOf('T1'))).toBe(false); // cancelled: no longer a place
    expect((await bookings.ofPerson(manager, await idOf('T1'))).map((p) => p.status)).toEqual(['cancelled']);
  });
});
