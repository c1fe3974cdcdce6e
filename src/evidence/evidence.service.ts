import { ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, rename, rm } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { ScopeService } from '../access/scope.service';
import { Scope } from '../auth/scope';
import { formatUkDate, todayIso } from '../common/dates';
import { FieldError } from '../common/field-error';
import { CompletionsService } from '../completions/completions.service';
import { AppConfig } from '../config/app-config';
import { projectRoot } from '../config/project-root';
import { LevelsService } from '../levels/levels.service';
import { OutboxService } from '../notifications/outbox.service';
import { Staff } from '../staff/staff.entity';
import { CERTIFICATE_TYPES, sniffCertificateFile } from './certificate-file';
import { EvidenceStatus, EvidenceSubmission } from './evidence-submission.entity';

/** A certificate as the upload middleware left it in the temporary folder. */
export interface UploadedCertificate {
  path: string;
  originalname: string;
  size: number;
}

/** One certificate on a page: the person, the level and date they say, and what became of it. */
export interface EvidenceView {
  id: number;
  staffId: number;
  personName: string;
  employeeRef: string;
  organisationName: string;
  levelCode: string;
  levelName: string;
  completedOn: string;
  fileName: string;
  fileType: string;
  sizeKb: number;
  status: EvidenceStatus;
  reason: string | null;
  submittedOn: string;
  decidedBy: string | null;
  decidedOn: string | null;
}

/** The file of a certificate, to send as it is. */
export interface EvidenceFile {
  path: string;
  contentType: string;
  filename: string;
}

const STORED_NAME = /^[0-9a-f-]{36}\.(pdf|png|jpg)$/;

/**
 * Certificates of training done elsewhere: people send them from My training; coordinators (and
 * administrators) of their subtree approve them, which records a completion with source
 * `evidence` keeping the file as its evidence, or reject them with a reason emailed back.
 * Files are kept in EVIDENCE_DIR under random names and sent only through these checks.
 */
@Injectable()
export class EvidenceService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly scopes: ScopeService,
    private readonly levels: LevelsService,
    private readonly completions: CompletionsService,
    private readonly outbox: OutboxService,
  ) {}

  /** The folder certificates are kept in (EVIDENCE_DIR, relative to the project folder unless absolute). */
  directory(): string {
    return isAbsolute(this.config.EVIDENCE_DIR) ? this.config.EVIDENCE_DIR : join(projectRoot(), this.config.EVIDENCE_DIR);
  }

  /** A person sends a certificate for themselves: the type is checked again from the file's content, then the file is kept. */
  async submit(scope: Scope, dto: { levelCode: string; completedOn: string }, file: UploadedCertificate | undefined): Promise<EvidenceSubmission> {
    const staffId = this.ownRecord(scope);
    if (!file || file.size === 0) throw new FieldError('file', 'Choose the certificate file');
    if (file.size > this.config.EVIDENCE_MAX_MB * 1024 * 1024) throw new FieldError('file', `The file must be smaller than ${this.config.EVIDENCE_MAX_MB} MB`);
    const kind = await sniffCertificateFile(file.path);
    if (!kind) throw new FieldError('file', 'The file must be a PDF, PNG or JPEG');
    const level = await this.levels.resolveCode(dto.levelCode);
    if (dto.completedOn > todayIso(this.config.TIME_ZONE)) throw new FieldError('completedOn', 'The date of the training must be today or in the past');
    const storedName = `${randomUUID()}.${CERTIFICATE_TYPES[kind].extension}`;
    await mkdir(this.directory(), { recursive: true });
    const target = join(this.directory(), storedName);
    await rename(file.path, target).catch(async () => {
      // Across file systems (the temporary folder on another disk) a rename fails: copy instead.
      await copyFile(file.path, target);
      await rm(file.path, { force: true });
    });
    try {
      const saved = await this.dataSource.getRepository(EvidenceSubmission).save({
        staffId,
        levelId: level.id,
        completedOn: dto.completedOn,
        originalName: cleanName(file.originalname, CERTIFICATE_TYPES[kind].extension),
        storedName,
        contentType: CERTIFICATE_TYPES[kind].contentType,
        sizeBytes: file.size,
        status: 'pending' as const,
        reason: null,
        completionId: null,
        decidedBy: null,
        decidedAt: null,
      });
      return saved;
    } catch (error) {
      await rm(target, { force: true });
      throw error;
    }
  }

  /** A person's own certificates, newest first. */
  async ofPerson(scope: Scope): Promise<EvidenceView[]> {
    const staffId = this.ownRecord(scope);
    const rows = await this.query(scope).andWhere('e.staff_id = :staffId', { staffId }).orderBy('e.id', 'DESC').getMany();
    return rows.map(evidenceView);
  }

  /** The queue for coordinators: certificates of people in their subtree waiting for a decision (oldest first), then the latest decided. */
  async queue(scope: Scope): Promise<{ waiting: EvidenceView[]; decided: EvidenceView[] }> {
    this.scopes.assertCanEditPeople(scope);
    const waiting = await this.query(scope).andWhere("e.status = 'pending'").orderBy('e.id', 'ASC').getMany();
    const decided = await this.query(scope).andWhere("e.status <> 'pending'").orderBy('e.decided_at', 'DESC').addOrderBy('e.id', 'DESC').take(20).getMany();
    return { waiting: waiting.map(evidenceView), decided: decided.map(evidenceView) };
  }

  /** One certificate of a person the scope may see; 404 otherwise. */
  async get(scope: Scope, id: number, m: EntityManager = this.dataSource.manager): Promise<EvidenceSubmission> {
    const found = await this.query(scope, m).andWhere('e.id = :id', { id }).getOne();
    if (!found) throw new NotFoundException(`No certificate with id ${id}`);
    return found;
  }

  async view(scope: Scope, id: number): Promise<EvidenceView> {
    return evidenceView(await this.get(scope, id));
  }

  /** The file itself, for the person who sent it or a coordinator over them. */
  async file(scope: Scope, id: number): Promise<EvidenceFile> {
    const evidence = await this.get(scope, id);
    if (!STORED_NAME.test(evidence.storedName)) throw new NotFoundException(`No file for certificate ${id}`);
    return { path: join(this.directory(), evidence.storedName), contentType: evidence.contentType, filename: evidence.originalName };
  }

  /** Approves a certificate: a completion with source `evidence` through CompletionsService, the file kept as its evidence. */
  async approve(scope: Scope, id: number): Promise<EvidenceSubmission> {
    this.scopes.assertCanEditPeople(scope);
    const evidence = await this.pending(scope, id);
    // Decided first, so nobody rejects it while the completion is recorded; undone if recording is refused.
    await this.decide(this.dataSource.manager, scope, evidence.id, 'approved', {});
    try {
      const completion = await this.recordCompletion(scope, evidence);
      await this.dataSource.getRepository(EvidenceSubmission).update(evidence.id, { completionId: completion.id });
    } catch (error) {
      await this.dataSource.getRepository(EvidenceSubmission).update(evidence.id, { status: 'pending', decidedBy: null, decidedAt: null });
      throw error;
    }
    return this.get(scope, id);
  }

  private recordCompletion(scope: Scope, evidence: EvidenceSubmission) {
    return this.completions.create(scope, {
      employeeRef: evidence.staff.employeeRef,
      organisationCode: evidence.staff.organisation.code,
      levelCode: evidence.level.code,
      completedOn: evidence.completedOn,
      source: 'evidence',
      evidence: `Certificate sent by the person on ${formatUkDate(evidence.createdAt.toISOString().slice(0, 10))} (${evidence.originalName}), checked by ${scope.actor?.displayName ?? 'the tracker'}; kept with the tracker's certificates as number ${evidence.id}`,
    });
  }

  /** Rejects a certificate with a reason, emailed to the person through the outbox in the same transaction. */
  async reject(scope: Scope, id: number, reason: string): Promise<EvidenceSubmission> {
    this.scopes.assertCanEditPeople(scope);
    await this.dataSource.transaction(async (m) => {
      const evidence = await this.pending(scope, id, m);
      await this.decide(m, scope, evidence.id, 'rejected', { reason });
      if (evidence.staff.email) {
        await this.outbox.enqueue(m, {
          to: evidence.staff.email,
          subject: `Your ${evidence.level.code} certificate was not accepted`,
          text: rejectionMessage(evidence, reason, this.config.PUBLIC_URL),
          key: `evidence-rejected:${evidence.id}`,
          kind: 'evidence-rejected',
          personId: evidence.staffId,
        });
      }
    });
    return this.get(scope, id);
  }

  private async pending(scope: Scope, id: number, m: EntityManager = this.dataSource.manager): Promise<EvidenceSubmission> {
    const evidence = await this.get(scope, id, m);
    if (evidence.status !== 'pending') throw new ConflictException(`This certificate was already ${evidence.status}`);
    return evidence;
  }

  /** Records the decision only while the certificate is still waiting, so two coordinators cannot both decide. */
  private async decide(m: EntityManager, scope: Scope, id: number, status: 'approved' | 'rejected', extra: { completionId?: number; reason?: string }): Promise<void> {
    const result = await m
      .createQueryBuilder()
      .update(EvidenceSubmission)
      .set({ status, decidedBy: scope.actor?.displayName ?? 'system', decidedAt: new Date().toISOString(), ...extra })
      .where("id = :id AND status = 'pending'", { id })
      .execute();
    if (result.affected !== 1) throw new ConflictException('Someone else decided about this certificate at the same moment: check it again');
  }

  /** Certificates of the people the scope may see (a person: their own). */
  private query(scope: Scope, m: EntityManager = this.dataSource.manager) {
    this.scopes.assertCanSeePeople(scope);
    const visible = this.scopes.staffPredicate(scope, 's');
    return m
      .getRepository(EvidenceSubmission)
      .createQueryBuilder('e')
      .innerJoinAndSelect('e.staff', 's')
      .innerJoinAndSelect('s.organisation', 'o')
      .innerJoinAndSelect('e.level', 'l')
      .where(visible.sql, visible.params);
  }

  private ownRecord(scope: Scope): number {
    if (!scope.isPerson || !scope.actor?.staffId) throw new NotFoundException('Certificates are sent from My training');
    return scope.actor.staffId;
  }
}

/** The uploaded name without folders or odd characters, for showing and as the download's name; the extension follows the content. */
function cleanName(name: string, extension: string): string {
  const base = (name.split(/[\\/]/).pop() ?? '').replace(/\.[^.]*$/, '').replace(/[^\p{L}\p{N} ._()-]/gu, '').trim().slice(0, 200);
  return `${base || 'certificate'}.${extension}`;
}

function evidenceView(e: EvidenceSubmission): EvidenceView {
  return {
    id: e.id,
    staffId: e.staffId,
    personName: `${e.staff.firstName} ${e.staff.lastName}`,
    employeeRef: e.staff.employeeRef,
    organisationName: e.staff.organisation.name,
    levelCode: e.level.code,
    levelName: e.level.name,
    completedOn: e.completedOn,
    fileName: e.originalName,
    fileType: Object.values(CERTIFICATE_TYPES).find((t) => t.contentType === e.contentType)?.name ?? 'File',
    sizeKb: Math.max(1, Math.round(e.sizeBytes / 1024)),
    status: e.status,
    reason: e.reason,
    submittedOn: e.createdAt instanceof Date ? e.createdAt.toISOString().slice(0, 10) : String(e.createdAt).slice(0, 10),
    decidedBy: e.decidedBy,
    decidedOn: e.decidedAt ? e.decidedAt.slice(0, 10) : null,
  };
}

function rejectionMessage(evidence: EvidenceSubmission & { staff: Staff }, reason: string, publicUrl: string): string {
  return [
    `Dear ${evidence.staff.firstName} ${evidence.staff.lastName},`,
    '',
    `The certificate you sent for ${evidence.level.code} (${evidence.level.name}), dated ${formatUkDate(evidence.completedOn)}, was not accepted by ${evidence.staff.organisation.name}.`,
    '',
    'The reason given:',
    reason,
    '',
    `You can send another certificate from My training: ${publicUrl}/my-training/sign-in`,
    '',
    'Prevent training tracker',
  ].join('\n');
}
