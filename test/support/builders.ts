import { Client } from './app';

/** Small builders that create records through the API, as a user would. */
export async function organisation(
  http: Client,
  code: string,
  parentCode: string | null = null,
  extra: { sector?: string; isEmployer?: boolean; name?: string } = {},
): Promise<void> {
  await http
    .post('/api/organisations')
    .send({ code, name: extra.name ?? `Organisation ${code}`, sector: extra.sector ?? 'local_authority', parentCode, isEmployer: extra.isEmployer ?? false })
    .expect(201);
}

export async function role(http: Client, code: string, name = `Role ${code}`): Promise<void> {
  await http.post('/api/roles').send({ code, name }).expect(201);
}

export async function requirement(http: Client, roleCode: string, levelCode: string, extra: { organisationCode?: string; graceDays?: number } = {}) {
  return (await http.post('/api/requirements').send({ roleCode, levelCode, ...extra }).expect(201)).body as { id: number };
}

export interface PersonInput {
  employeeRef: string;
  organisationCode: string;
  firstName?: string;
  lastName?: string;
  email?: string;
  roleCodes?: string[];
  managerEmployeeRef?: string;
  startDate?: string;
  endDate?: string | null;
}

export async function person(http: Client, input: PersonInput): Promise<{ id: number; employeeRef: string }> {
  const res = await http
    .post('/api/staff')
    .send({ firstName: 'Pat', lastName: input.employeeRef, startDate: '2020-01-06', roleCodes: [], ...input });
  if (res.status !== 201) throw new Error(`Creating ${input.employeeRef} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

export async function completion(
  http: Client,
  employeeRef: string,
  levelCode: string,
  completedOn: string,
  extra: { organisationCode?: string; source?: string } = {},
): Promise<{ id: number }> {
  const res = await http.post('/api/completions').send({ employeeRef, levelCode, completedOn, source: extra.source ?? 'manual', ...extra });
  if (res.status !== 201) throw new Error(`Recording ${levelCode} for ${employeeRef} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
