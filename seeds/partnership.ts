/**
 * The shape of the generated partnership: Warwickshire's Appendix A (a county council, five
 * district and borough councils, schools and early years providers, an FE college, four NHS
 * trusts, probation, police, the PCC) plus the voluntary and community sector. The number of
 * teams, schools and nurseries grows with the staff count so organisations keep a realistic size.
 */
import type { Sector } from '../src/organisations/sectors';
import { AREAS, NURSERY_NAMES, PLACES, SCHOOL_KINDS } from './names';
import { Random } from './random';

/** What kind of people a unit holds, which decides their roles and references. */
export type UnitKind = 'team' | 'school' | 'nursery' | 'members' | 'faith' | 'volunteers' | 'safeguarding' | 'prevent' | 'office';

export interface OrgPlan {
  code: string;
  name: string;
  sector: Sector;
  /** Index of the parent in the plan's organisations; -1 for the root. */
  parent: number;
  isEmployer: boolean;
  depth: number;
  /** Index of the employing organisation: nearest employer up the tree (self included), else the root. */
  employer: number;
  venue?: string;
  /** Email domain of the people it employs. */
  domain?: string;
}

/** An organisation that people belong to, and how many. */
export interface UnitPlan {
  org: number;
  kind: UnitKind;
  people: number;
  /** Chance that an ordinary member of staff holds the frontline role. */
  frontline: number;
  /** This unit's first person is the employer's organisational Prevent lead. */
  holdsLead: boolean;
  /** WRAP sessions are shared by the people of one provider (an employer or a group of them). */
  provider: number;
  /** Train-the-trainer courses are arranged for schools apart from everyone else. */
  l3Provider: number;
  /** Governors at the end of a school's list. */
  governors: number;
}

export interface ProviderPlan {
  key: string;
  /** Organisations that take turns hosting its sessions. */
  hosts: number[];
}

export interface PartnershipPlan {
  organisations: OrgPlan[];
  units: UnitPlan[];
  providers: ProviderPlan[];
  l3Providers: ProviderPlan[];
  /** The police Prevent team: the partnership's own trainers, always holding a valid L3. */
  preventTeamUnit: number;
}

interface TeamTemplate {
  abbr: string;
  name: string;
  frontline: number;
  kind?: UnitKind;
  /** Only ever one such team, with no number in its code. */
  single?: boolean;
  size?: [number, number];
}

const WCC_DIRECTORATES: { abbr: string; name: string; share: number; teams: TeamTemplate[] }[] = [
  {
    abbr: 'CYP',
    name: 'Children and Young People',
    share: 0.36,
    teams: [
      { abbr: 'EH', name: 'Early Help', frontline: 0.6 },
      { abbr: 'ESS', name: 'Education Safeguarding Service', frontline: 0.5, single: true, size: [8, 14] },
      { abbr: 'CSC', name: "Children's Social Care", frontline: 0.7 },
      { abbr: 'YJ', name: 'Youth Justice', frontline: 0.7 },
      { abbr: 'FA', name: 'Fostering and Adoption', frontline: 0.6 },
      { abbr: 'SEND', name: 'SEND Services', frontline: 0.4 },
    ],
  },
  {
    abbr: 'ASC',
    name: 'Adult Social Care',
    share: 0.3,
    teams: [
      { abbr: 'ACT', name: 'Adult Community Team', frontline: 0.6 },
      { abbr: 'MH', name: 'Mental Health Social Work', frontline: 0.7 },
      { abbr: 'LD', name: 'Learning Disability Team', frontline: 0.6 },
      { abbr: 'REA', name: 'Reablement', frontline: 0.55 },
    ],
  },
  {
    abbr: 'COM',
    name: 'Communities',
    share: 0.2,
    teams: [
      { abbr: 'CS', name: 'Community Safety', frontline: 0.4, single: true, size: [10, 18] },
      { abbr: 'FRS', name: 'Fire and Rescue', frontline: 0.25 },
      { abbr: 'LIB', name: 'Libraries', frontline: 0.1 },
      { abbr: 'TS', name: 'Trading Standards', frontline: 0.05 },
      { abbr: 'PH', name: 'Public Health', frontline: 0.2 },
    ],
  },
  {
    abbr: 'RES',
    name: 'Resources',
    share: 0.14,
    teams: [
      { abbr: 'HR', name: 'HR and Organisational Development', frontline: 0.02 },
      { abbr: 'FIN', name: 'Finance', frontline: 0.01 },
      { abbr: 'ICT', name: 'ICT Services', frontline: 0.01 },
      { abbr: 'CSC', name: 'Customer Service Centre', frontline: 0.1 },
      { abbr: 'LEG', name: 'Legal Services', frontline: 0.05 },
    ],
  },
];

const DISTRICTS = [
  { code: 'NWBC', name: 'North Warwickshire Borough Council', members: 35, town: 'Atherstone', domain: 'northwarks.gov.uk' },
  { code: 'NBBC', name: 'Nuneaton and Bedworth Borough Council', members: 38, town: 'Nuneaton', domain: 'nuneatonandbedworth.gov.uk' },
  { code: 'RBC', name: 'Rugby Borough Council', members: 42, town: 'Rugby', domain: 'rugby.gov.uk' },
  { code: 'SDC', name: 'Stratford-on-Avon District Council', members: 41, town: 'Stratford-upon-Avon', domain: 'stratford-dc.gov.uk' },
  { code: 'WDC', name: 'Warwick District Council', members: 44, town: 'Leamington Spa', domain: 'warwickdc.gov.uk' },
];
const DISTRICT_SERVICES: TeamTemplate[] = [
  { abbr: 'CSW', name: 'Community Safety and Wellbeing', frontline: 0.4, single: true, size: [8, 16] },
  { abbr: 'HOU', name: 'Housing', frontline: 0.35 },
  { abbr: 'CUS', name: 'Customer Services', frontline: 0.1 },
  { abbr: 'ENV', name: 'Environmental Health', frontline: 0.1 },
  { abbr: 'LEI', name: 'Leisure and Culture', frontline: 0.1 },
];

const TRUSTS = [
  {
    code: 'UHCW',
    name: 'University Hospitals Coventry and Warwickshire NHS Trust',
    share: 0.42,
    hospital: 'University Hospital, Coventry',
    services: ['ED:Emergency Department', 'WRD:Inpatient Wards', 'MAT:Maternity', 'PAED:Children and Young People', 'COR:Corporate Services'],
  },
  {
    code: 'SWFT',
    name: 'South Warwickshire NHS Foundation Trust',
    share: 0.24,
    hospital: 'Warwick Hospital',
    services: ['ED:Emergency Department', 'CN:Community Nursing', 'MAT:Maternity', 'WRD:Inpatient Wards', 'COR:Corporate Services'],
  },
  {
    code: 'CWPT',
    name: 'Coventry and Warwickshire Partnership NHS Trust',
    share: 0.22,
    hospital: "St Michael's Hospital, Warwick",
    services: ['AMH:Adult Mental Health', 'CAMHS:CAMHS', 'LD:Learning Disability Services', 'CH:Community Health', 'COR:Corporate Services'],
  },
  {
    code: 'GEH',
    name: 'George Eliot Hospital NHS Trust',
    share: 0.12,
    hospital: 'George Eliot Hospital, Nuneaton',
    services: ['ED:Emergency Department', 'WRD:Inpatient Wards', 'MAT:Maternity', 'COR:Corporate Services'],
  },
];

const FAITH_FORUMS = [
  ['WDFF', 'Warwick District Faiths Forum'],
  ['NBIF', 'Nuneaton and Bedworth Interfaith Forum'],
  ['RFF', 'Rugby Faith Forum'],
  ['SFN', 'Stratford Faith Network'],
  ['NWFF', 'North Warwickshire Faith Forum'],
];

const SHARES = {
  wcc: 0.2,
  districts: 0.07,
  schools: 0.24,
  earlyYears: 0.03,
  college: 0.04,
  nhs: 0.25,
  police: 0.075,
  probation: 0.04,
  wcava: 0.025,
  faith: 0.015,
};

/** The partnership for about `staff` people; unit sizes are exact and add up to `staff`. */
export function planPartnership(staff: number, random: Random): PartnershipPlan {
  const organisations: OrgPlan[] = [];
  const units: UnitPlan[] = [];
  const providers: ProviderPlan[] = [];
  const l3Providers: ProviderPlan[] = [
    { key: 'schools', hosts: [] },
    { key: 'partnership', hosts: [] },
  ];
  const scale = staff / 3000;
  const memberScale = Math.min(1, scale / 2);

  const addOrg = (plan: Omit<OrgPlan, 'depth' | 'employer'>): number => {
    const parent = plan.parent >= 0 ? organisations[plan.parent] : null;
    const index = organisations.length;
    const employer = plan.isEmployer || !parent ? index : parent.employer;
    organisations.push({ ...plan, depth: parent ? parent.depth + 1 : 0, employer, domain: plan.domain ?? parent?.domain, venue: plan.venue ?? parent?.venue });
    return index;
  };
  const addProvider = (key: string, hosts: number[] = []): number => providers.push({ key, hosts }) - 1;
  const addUnit = (org: number, kind: UnitKind, people: number, frontline: number, provider: number, extra: Partial<UnitPlan> = {}) =>
    units.push({ org, kind, people, frontline, holdsLead: false, provider, l3Provider: 1, governors: 0, ...extra }) - 1;

  /** Teams from the templates, each numbered per template, until their sizes reach `target` people. */
  const addTeams = (
    parent: number,
    templates: TeamTemplate[],
    target: number,
    provider: number,
    naming: 'area' | 'numbered',
    sector: Sector,
  ): number[] => {
    const made: number[] = [];
    const counts = new Map<string, number>();
    const singles = templates.filter((t) => t.single).length;
    const numbered: [number, TeamTemplate, number][] = [];
    const singlesMade = () => templates.filter((t) => t.single && counts.has(t.abbr)).length;
    let total = 0;
    for (let i = 0; total < target || singlesMade() < singles; i++) {
      const template = templates[i % templates.length];
      const n = (counts.get(template.abbr) ?? 0) + 1;
      if (template.single && n > 1) {
        if (templates.every((t) => t.single)) break;
        continue;
      }
      counts.set(template.abbr, n);
      const parentOrg = organisations[parent];
      const code = template.single ? `${parentOrg.code}-${template.abbr}` : `${parentOrg.code}-${template.abbr}${n}`;
      const org = addOrg({ code, name: template.name, sector, parent, isEmployer: false });
      numbered.push([org, template, n]);
      const [low, high] = template.size ?? [35, 110];
      const people = random.int(low, high);
      total += people;
      made.push(addUnit(org, template.kind ?? 'team', people, template.frontline, provider));
    }
    // A kind of team that exists more than once is told apart by area (or number).
    const firstArea = random.int(0, AREAS.length - 1);
    for (const [org, template, n] of numbered) {
      if ((counts.get(template.abbr) ?? 0) < 2) continue;
      const round = Math.ceil(n / AREAS.length);
      organisations[org].name =
        naming === 'area'
          ? `${template.name}: ${AREAS[(firstArea + n - 1) % AREAS.length]}${round > 1 ? ` ${round}` : ''}`
          : `${template.name} (team ${n})`;
    }
    return made;
  };

  const root = addOrg({ code: 'WPP', name: 'Warwickshire Prevent Partnership', sector: 'other', parent: -1, isEmployer: false });

  // Warwickshire County Council: directorates, their teams, and the elected members.
  const wcc = addOrg({
    code: 'WCC',
    name: 'Warwickshire County Council',
    sector: 'local_authority',
    parent: root,
    isEmployer: true,
    domain: 'warwickshire.gov.uk',
    venue: 'Shire Hall, Warwick',
  });
  const wccProvider = addProvider('WCC');
  for (const d of WCC_DIRECTORATES) {
    const directorate = addOrg({ code: `WCC-${d.abbr}`, name: d.name, sector: 'local_authority', parent: wcc, isEmployer: false });
    providers[wccProvider].hosts.push(directorate);
    const teams = addTeams(directorate, d.teams, SHARES.wcc * staff * d.share, wccProvider, 'area', 'local_authority');
    if (d.abbr === 'COM') units[teams[0]].holdsLead = true;
    if (d.abbr === 'CYP') l3Providers[0].hosts.push(units[teams.find((u) => organisations[units[u].org].code === 'WCC-CYP-ESS')!].org);
  }
  const wccMembers = addOrg({ code: 'WCC-MEM', name: 'County councillors', sector: 'local_authority', parent: wcc, isEmployer: false });
  addUnit(wccMembers, 'members', Math.max(5, Math.round(57 * memberScale)), 0, wccProvider);

  // The five district and borough councils.
  const districtProvider = addProvider('districts');
  for (const d of DISTRICTS) {
    const council = addOrg({
      code: d.code,
      name: d.name,
      sector: 'local_authority',
      parent: root,
      isEmployer: true,
      domain: d.domain,
      venue: `Council offices, ${d.town}`,
    });
    providers[districtProvider].hosts.push(council);
    const services = addTeams(council, DISTRICT_SERVICES, (SHARES.districts * staff) / DISTRICTS.length, districtProvider, 'numbered', 'local_authority');
    units[services[0]].holdsLead = true;
    const members = addOrg({ code: `${d.code}-MEM`, name: 'Councillors', sector: 'local_authority', parent: council, isEmployer: false });
    addUnit(members, 'members', Math.max(5, Math.round(d.members * memberScale)), 0, districtProvider);
  }

  // Education: schools and early years providers, each its own employer, and the FE college.
  const education = addOrg({ code: 'EDU', name: 'Education', sector: 'education', parent: root, isEmployer: false });
  const schoolsProvider = addProvider('schools');
  const schoolNames = new Set<string>();
  let schoolPeople = 0;
  for (let n = 1; schoolPeople < SHARES.schools * staff; n++) {
    const kind = SCHOOL_KINDS[random.weighted(SCHOOL_KINDS.map((k) => k.weight))];
    let name = '';
    for (let attempt = 0; attempt < 20 && (!name || schoolNames.has(name)); attempt++) {
      name = kind.suffix === 'School (special)' ? `${random.pick(PLACES)} School` : `${random.pick(PLACES)} ${kind.suffix}`;
    }
    if (schoolNames.has(name)) name = `${name} (${n})`;
    schoolNames.add(name);
    const code = `SCH-${String(n).padStart(4, '0')}`;
    const slug = name.toLowerCase().replace(/[^a-z]+/g, '').slice(0, 24);
    const school = addOrg({ code, name, sector: 'education', parent: education, isEmployer: true, domain: `${slug}.warwickshire.sch.uk`, venue: name });
    providers[schoolsProvider].hosts.push(school);
    const employees = random.int(kind.staff[0], kind.staff[1]);
    const governors = random.int(8, 12);
    schoolPeople += employees + governors;
    addUnit(school, 'school', employees + governors, 0.35, schoolsProvider, { governors, l3Provider: 0, holdsLead: true });
  }
  const earlyYears = addOrg({ code: 'EYC', name: 'Early years and childcare', sector: 'education', parent: education, isEmployer: false });
  let earlyYearsPeople = 0;
  for (let n = 1; earlyYearsPeople < SHARES.earlyYears * staff; n++) {
    const name = `${NURSERY_NAMES[(n - 1) % NURSERY_NAMES.length]}, ${random.pick(PLACES)}`;
    const nursery = addOrg({
      code: `EY-${String(n).padStart(4, '0')}`,
      name,
      sector: 'education',
      parent: earlyYears,
      isEmployer: true,
      domain: 'nursery.org.uk',
      venue: name,
    });
    const people = random.int(12, 35);
    earlyYearsPeople += people;
    addUnit(nursery, 'nursery', people, 0.5, schoolsProvider, { l3Provider: 0, holdsLead: true });
  }
  const college = addOrg({
    code: 'WCG',
    name: 'Warwickshire College Group',
    sector: 'education',
    parent: education,
    isEmployer: true,
    domain: 'wcg.ac.uk',
    venue: 'Leamington Centre, Warwickshire College Group',
  });
  const collegeProvider = addProvider('WCG', [college]);
  const departments = addTeams(
    college,
    [
      { abbr: 'SUP', name: 'Student Support and Safeguarding', frontline: 0.7, single: true, size: [10, 20] },
      { abbr: 'CARE', name: 'Health and Social Care', frontline: 0.4 },
      { abbr: 'CON', name: 'Construction and Engineering', frontline: 0.3 },
      { abbr: 'BUS', name: 'Business and Computing', frontline: 0.3 },
      { abbr: 'CRE', name: 'Creative Arts', frontline: 0.3 },
      { abbr: 'ESOL', name: 'ESOL and Foundation Learning', frontline: 0.4 },
    ],
    SHARES.college * staff,
    collegeProvider,
    'numbered',
    'education',
  );
  units[departments[0]].holdsLead = true;

  // The four NHS trusts.
  for (const trust of TRUSTS) {
    const org = addOrg({
      code: trust.code,
      name: trust.name,
      sector: 'health',
      parent: root,
      isEmployer: true,
      domain: 'nhs.net',
      venue: `Education centre, ${trust.hospital}`,
    });
    const provider = addProvider(trust.code, [org]);
    const templates: TeamTemplate[] = [
      { abbr: 'SG', name: 'Safeguarding Team', frontline: 0.6, kind: 'safeguarding', single: true, size: [6, 14] },
      ...trust.services.map((s) => {
        const [abbr, name] = s.split(':');
        return { abbr, name, frontline: abbr === 'COR' ? 0.03 : 0.5 };
      }),
    ];
    const services = addTeams(org, templates, SHARES.nhs * staff * trust.share, provider, 'numbered', 'health');
    units[services[0]].holdsLead = true;
  }

  // Probation: the two bodies of Appendix A.
  const probationProvider = addProvider('probation');
  for (const body of [
    { code: 'NPS', name: 'National Probation Service: Warwickshire', share: 0.55, teams: ['OM:Offender Management', 'CRT:Court Team', 'AP:Approved Premises'] },
    {
      code: 'WWMCRC',
      name: 'Warwickshire and West Mercia Community Rehabilitation Company',
      share: 0.45,
      teams: ['OM:Offender Management', 'UPW:Community Payback'],
    },
  ]) {
    const org = addOrg({
      code: body.code,
      name: body.name,
      sector: 'prisons_probation',
      parent: root,
      isEmployer: true,
      domain: 'justice.gov.uk',
      venue: 'Probation office, Leamington Spa',
    });
    providers[probationProvider].hosts.push(org);
    const templates = body.teams.map((t) => {
      const [abbr, name] = t.split(':');
      return { abbr, name, frontline: 0.6 };
    });
    const teams = addTeams(org, templates, SHARES.probation * staff * body.share, probationProvider, 'area', 'prisons_probation');
    units[teams[0]].holdsLead = true;
  }

  // Police, with the Prevent team that trains the trainers, and the Police and Crime Commissioner.
  const police = addOrg({
    code: 'WPOL',
    name: 'Warwickshire Police',
    sector: 'police',
    parent: root,
    isEmployer: true,
    domain: 'warwickshire.police.uk',
    venue: 'Police headquarters, Leek Wootton',
  });
  const policeProvider = addProvider('police', [police]);
  const policeTeams = addTeams(
    police,
    [
      { abbr: 'PREV', name: 'Prevent Team', frontline: 1, kind: 'prevent', single: true, size: [5, 8] },
      { abbr: 'SNT', name: 'Safer Neighbourhood Team', frontline: 0.5 },
      { abbr: 'RESP', name: 'Response', frontline: 0.4 },
      { abbr: 'PVP', name: 'Protecting Vulnerable People', frontline: 0.7 },
      { abbr: 'CID', name: 'Criminal Investigation', frontline: 0.3 },
      { abbr: 'CC', name: 'Contact Centre', frontline: 0.15 },
    ],
    SHARES.police * staff,
    policeProvider,
    'area',
    'police',
  );
  units[policeTeams[0]].holdsLead = true;
  const preventTeamUnit = policeTeams[0];
  l3Providers[1].hosts.push(units[preventTeamUnit].org);
  const pcc = addOrg({
    code: 'PCC',
    name: 'Warwickshire Police and Crime Commissioner',
    sector: 'police',
    parent: root,
    isEmployer: true,
    domain: 'warwickshire-pcc.gov.uk',
    venue: 'Office of the Police and Crime Commissioner, Leamington Spa',
  });
  addUnit(pcc, 'office', Math.max(6, Math.round(18 * memberScale)), 0.05, policeProvider, { holdsLead: true });

  // The voluntary and community sector: WCAVA (an employer) and a faiths forum of volunteers
  // with no employer of its own (their references are unique within the partnership).
  const wcava = addOrg({
    code: 'WCAVA',
    name: 'Warwickshire Community and Voluntary Action',
    sector: 'voluntary_community',
    parent: root,
    isEmployer: true,
    domain: 'wcava.org.uk',
    venue: 'WCAVA, Nuneaton',
  });
  const vcsProvider = addProvider('voluntary', [wcava]);
  const vcsTeams = addTeams(
    wcava,
    [
      { abbr: 'VOL', name: 'Volunteer Centre', frontline: 0.2, kind: 'volunteers' },
      { abbr: 'YTH', name: 'Youth and Community Work', frontline: 0.5, kind: 'volunteers' },
    ],
    SHARES.wcava * staff,
    vcsProvider,
    'area',
    'voluntary_community',
  );
  units[vcsTeams[0]].holdsLead = true;
  const faithPeople = Math.max(8, Math.round(SHARES.faith * staff));
  const forums = FAITH_FORUMS.slice(0, Math.min(FAITH_FORUMS.length, Math.ceil(faithPeople / 150)));
  for (const [code, name] of forums) {
    const forum = addOrg({ code, name, sector: 'voluntary_community', parent: root, isEmployer: false });
    addUnit(forum, 'faith', Math.round(faithPeople / forums.length), 0, vcsProvider);
  }

  fitToStaff(units, staff);
  return { organisations, units, providers, l3Providers, preventTeamUnit };
}

/** Scales unit sizes to add up to exactly `staff` (largest remainder), keeping each unit at least 2. */
function fitToStaff(units: UnitPlan[], staff: number): void {
  const minimum = 2 * units.length;
  if (staff < minimum) throw new Error(`Ask for at least ${minimum} people: the partnership has ${units.length} teams to fill`);
  const desired = units.reduce((sum, u) => sum + u.people, 0);
  const spare = staff - minimum;
  const shares = units.map((u) => ((u.people - 2 > 0 ? u.people - 2 : 0) * spare) / Math.max(1, desired - minimum));
  const whole = shares.map(Math.floor);
  let left = spare - whole.reduce((a, b) => a + b, 0);
  const order = shares.map((s, i) => [s - Math.floor(s), i]).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) whole[order[k][1]] += 1;
  units.forEach((u, i) => {
    u.people = 2 + whole[i];
    if (u.governors > 0) u.governors = Math.min(u.governors, Math.floor(u.people / 3));
  });
}
