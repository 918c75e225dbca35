/**
 * "My data" exports (issue 13, item 6): everything a person put in, as a zip of one JSON file per section plus a CSV
 * for each tabular one, built in the background and mailed as a link. The module owns only its job table: every
 * section is read through its own capability (the composition root passes `ExportSection`s).
 */
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.js';
import type { Clock } from '../../kernel/clock.js';
import type { UserActor } from '../../kernel/actor.js';
import { AppError, notFound } from '../../kernel/errors.js';
import { newId } from '../../kernel/ids.js';
import type { DataExport } from './schema.js';
import type { ExportRow, ExportStore } from './store.js';

/** How long a ready export can be downloaded. */
const EXPORT_TTL_MS = 7 * 24 * 3600_000;
const LEASE_MS = 5 * 60_000;

export interface ExportOwner {
  userId: string;
  handle: string;
}

/** One section of the export: `read` returns an array (written as JSON and CSV) or an object (JSON only). */
export interface ExportSection {
  name: string;
  read(owner: ExportOwner): Promise<unknown>;
}

export interface MyDataDeps {
  db: Kysely<Database>;
  store: ExportStore;
  clock: Clock;
  dataDir: string;
  baseUrl: string;
  sections: ExportSection[];
  /** The owner's handle and address (the platform's accounts). */
  contactOf(userId: string): Promise<{ handle: string; email: string; locale: string | null } | undefined>;
  mail: { enqueue(trx: Kysely<Database>, m: { to: string; subject: string; text: string }): Promise<void> };
  logger?: { warn(o: object, m: string): void };
  /** How often the worker looks for a job (ms). */
  pollMs?: number;
}

/** A CSV cell: nested values as JSON; a text starting like a formula is prefixed with ' (spreadsheet injection). */
function cell(value: unknown): string {
  let s: string;
  if (value === null || value === undefined) s = '';
  else if (typeof value === 'string') s = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  else if (typeof value === 'number' || typeof value === 'boolean') s = String(value);
  else s = JSON.stringify(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV of an array of objects: one column per key met, in order of appearance. */
export function toCsv(rows: unknown[]): string {
  const objects = rows.map((r) => (r && typeof r === 'object' && !Array.isArray(r) ? r : { value: r })) as Record<
    string,
    unknown
  >[];
  const columns: string[] = [];
  for (const o of objects) for (const k of Object.keys(o)) if (!columns.includes(k)) columns.push(k);
  const lines = [columns.map(cell).join(','), ...objects.map((o) => columns.map((c) => cell(o[c])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}

export function createMyDataService(deps: MyDataDeps) {
  const { db, store, clock } = deps;
  const dir = join(deps.dataDir, 'exports');
  const now = () => clock.now().toISOString();
  const at = (ms: number) => new Date(clock.now().getTime() + ms).toISOString();

  const view = (r: ExportRow): DataExport => {
    const live = r.status === 'ready' && r.expiresAt !== null && r.expiresAt > now();
    return {
      id: r.id,
      status: r.status,
      progress: r.progress,
      createdAt: r.createdAt,
      readyAt: r.readyAt,
      expiresAt: r.expiresAt,
      bytes: r.bytes === null ? null : Number(r.bytes),
      error: r.error,
      downloadUrl: live ? `${deps.baseUrl}/api/v1/me/exports/${r.id}/download` : null,
    };
  };

  async function own(actor: UserActor, id: string): Promise<ExportRow> {
    const row = await store.find(db, id);
    // Someone else's export is not found, rather than forbidden: ids tell nothing.
    if (!row || row.userId !== actor.userId) throw notFound('Export');
    return row;
  }

  async function build(row: ExportRow): Promise<void> {
    const contact = await deps.contactOf(row.userId);
    if (!contact) throw new Error('the account no longer exists');
    const owner = { userId: row.userId, handle: contact.handle };
    const files: Record<string, Uint8Array> = {};
    const readme: string[] = [
      `Export of the data of @${contact.handle}, made ${now()}.`,
      'One JSON file per section; a CSV beside each tabular one. Secrets (passwords, token values) are never exported.',
      '',
    ];
    const total = deps.sections.length;
    for (const [i, section] of deps.sections.entries()) {
      const data = await section.read(owner);
      files[`${section.name}.json`] = strToU8(`${JSON.stringify(data, null, 2)}\n`);
      if (Array.isArray(data)) {
        files[`${section.name}.csv`] = strToU8(toCsv(data));
        readme.push(`${section.name}: ${data.length} item(s)`);
      } else readme.push(`${section.name}`);
      await store.progress(db, row.id, Math.floor((99 * (i + 1)) / total), at(LEASE_MS), now());
    }
    files['README.txt'] = strToU8(`${readme.join('\n')}\n`);
    await mkdir(dir, { recursive: true });
    const filePath = join(dir, `${row.id}.zip`);
    await writeFile(`${filePath}.part`, zipSync(files, { level: 6, mtime: clock.now() }));
    await rename(`${filePath}.part`, filePath);
    const bytes = (await stat(filePath)).size;
    const readyAt = now();
    const expiresAt = at(EXPORT_TTL_MS);
    const fr = contact.locale === 'fr';
    const link = `${deps.baseUrl}/account/data`;
    await db.transaction().execute(async (trx) => {
      await store.finish(trx, row.id, { filePath, bytes, readyAt, expiresAt });
      await deps.mail.enqueue(trx, {
        to: contact.email,
        subject: fr ? 'Votre export de données est prêt' : 'Your data export is ready',
        text: fr
          ? `Bonjour,\n\nL’export de vos données est prêt. Téléchargez-le depuis « Vos données » (connexion requise) :\n${link}\n\nIl reste disponible jusqu’au ${expiresAt.slice(0, 10)}.\n`
          : `Hello,\n\nYour data export is ready. Download it from "Your data" (sign-in required):\n${link}\n\nIt stays available until ${expiresAt.slice(0, 10)}.\n`,
      });
    });
  }

  /** Claims and builds one due export; false when there was none. */
  async function runOnce(): Promise<boolean> {
    const due = await store.nextDue(db, now());
    if (!due) return false;
    if (!(await store.claim(db, due, at(LEASE_MS), now()))) return true;
    const row = { ...due, attempts: due.attempts + 1 };
    try {
      await build(row);
    } catch (error) {
      deps.logger?.warn({ err: String(error), exportId: row.id }, 'data export failed');
      await store.fail(db, row.id, 'The export could not be built; please ask for a new one', now());
    }
    return true;
  }

  async function sweep() {
    for (const row of await store.expired(db, now())) {
      if (row.filePath) await rm(row.filePath, { force: true });
      await store.forgetFile(db, row.id);
    }
  }

  let timer: NodeJS.Timeout | undefined;
  let current: Promise<unknown> = Promise.resolve();
  const tick = () => {
    current = current
      .then(async () => {
        while (await runOnce());
        await sweep();
      })
      .catch((e: unknown) => deps.logger?.warn({ err: String(e) }, 'data export worker failed'));
  };

  return {
    /** Asks for an export of everything the person put in; built in the background. */
    async request(actor: UserActor): Promise<DataExport> {
      const running = (await store.listOf(db, actor.userId, 20)).find(
        (r) => r.status === 'pending' || r.status === 'running',
      );
      if (running) throw new AppError('conflict', 'An export is already being prepared');
      const row: ExportRow = {
        id: newId('exp'),
        userId: actor.userId,
        status: 'pending',
        progress: 0,
        filePath: null,
        bytes: null,
        error: null,
        attempts: 0,
        leaseUntil: null,
        createdAt: now(),
        updatedAt: now(),
        readyAt: null,
        expiresAt: null,
      };
      await store.insert(db, row);
      // A started worker begins at once rather than at its next poll (tests without one call drain()).
      if (timer) tick();
      return view(row);
    },
    async list(actor: UserActor): Promise<DataExport[]> {
      return (await store.listOf(db, actor.userId, 20)).map(view);
    },
    async get(actor: UserActor, id: string): Promise<DataExport> {
      return view(await own(actor, id));
    },
    /** The zip's path, for its owner only; 410 once expired, 409 while not ready. */
    async download(actor: UserActor, id: string): Promise<{ path: string; filename: string }> {
      const row = await own(actor, id);
      if (row.status !== 'ready') throw new AppError('conflict', 'The export is not ready');
      if (!row.filePath || !row.expiresAt || row.expiresAt <= now()) {
        throw new AppError('gone', 'This export has expired; ask for a new one');
      }
      return { path: row.filePath, filename: `my-data-${row.createdAt.slice(0, 10)}.zip` };
    },
    /** Erasure: the account's exports and their files. */
    async forgetUser(userId: string): Promise<void> {
      const rows = await db.transaction().execute((trx) => store.deleteOf(trx, userId));
      for (const r of rows) if (r.filePath) await rm(r.filePath, { force: true });
    },
    runOnce,
    /** Runs every due export now (tests). */
    async drain(): Promise<void> {
      await current;
      while (await runOnce());
    },
    start() {
      if (timer) return;
      timer = setInterval(tick, deps.pollMs ?? 1000);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      timer = undefined;
      await current;
    },
  };
}
export type MyDataService = ReturnType<typeof createMyDataService>;
