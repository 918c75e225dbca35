/**
 * Walks a source's pages: fetches each through the outbound guard (private addresses refused, each redirect hop
 * re-checked), bounds it in bytes and time, parses it with the source's parser, and follows its "next" link.
 * Contract: never throws for a bad page or record — a page that cannot be fetched or parsed is reported in
 * `skipped`, and the listing is then `complete: false` (the run will not withdraw anything, since a dataset
 * missing from an unread page is not gone). The crawl stops at `maxPages`, `maxRecords`, the run's deadline, or a
 * page already visited (a source that loops), and says so in `skipped`.
 */
import type { Readable } from 'node:stream';
import { ckanSearchUrl, parseCkanPage } from '../sources/ckan.js';
import { parseDcatPage } from '../sources/dcat.js';
import { parseUdataPage } from '../sources/udata.js';
import type { HarvestedRecord, ParsedPage, RecordError } from '../sources/types.js';

export type SourceKind = 'dcat' | 'ckan' | 'udata' | 'multitude';
export const sourceKinds: readonly SourceKind[] = ['dcat', 'ckan', 'udata', 'multitude'];

export interface CrawlLimits {
  maxPages: number;
  maxRecords: number;
  maxPageBytes: number;
  /** Wall-clock limit of one page (a source that trickles bytes). */
  pageTimeoutMs: number;
  /** Wall-clock limit of the whole crawl. */
  runTimeoutMs: number;
  /** Records written per transaction when a run is applied (SQLite's single writer is held for one batch only). */
  writeBatch: number;
  /**
   * Mass-withdrawal guard: a run that would withdraw more than this share of the source's active datasets, and
   * more than `massWithdrawalMin` of them, withdraws nothing until the organization confirms.
   */
  massWithdrawalShare: number;
  massWithdrawalMin: number;
}

export const defaultLimits: CrawlLimits = {
  maxPages: 500,
  maxRecords: 20_000,
  maxPageBytes: 20 * 1024 * 1024,
  pageTimeoutMs: 60_000,
  runTimeoutMs: 15 * 60_000,
  writeBatch: 100,
  massWithdrawalShare: 0.5,
  massWithdrawalMin: 10,
};

export interface CrawlResult {
  records: (HarvestedRecord | RecordError)[];
  pages: number;
  skipped: string[];
  complete: boolean;
}

/** The first page's URL for a source. */
export function firstPage(kind: SourceKind, url: string): string {
  if (kind === 'ckan' || kind === 'multitude') return ckanSearchUrl(url, 0);
  return url;
}

async function parse(kind: SourceKind, text: string, url: string): Promise<ParsedPage> {
  if (kind === 'dcat') return parseDcatPage(text, url);
  if (kind === 'udata') return parseUdataPage(text, url);
  return parseCkanPage(text, url);
}

/** Reads a stream as UTF-8 text, refusing more than `maxBytes` or more than `timeoutMs` in all. */
export function readBounded(body: Readable, maxBytes: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer = setTimeout(() => {
      body.destroy();
      reject(new Error(`The page took more than ${Math.round(timeoutMs / 1000)} s`));
    }, timeoutMs);
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        clearTimeout(timer);
        body.destroy();
        reject(new Error(`The page is larger than ${maxBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    body.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    body.on('end', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
  });
}

export async function crawl(
  kind: SourceKind,
  url: string,
  fetchPublic: (url: string) => Promise<Readable>,
  limits: CrawlLimits,
  now: () => number = Date.now,
): Promise<CrawlResult> {
  const started = now();
  const records: (HarvestedRecord | RecordError)[] = [];
  const skipped: string[] = [];
  const visited = new Set<string>();
  let complete = true;
  let pages = 0;
  let next: string | null = firstPage(kind, url);
  while (next) {
    if (visited.has(next)) {
      skipped.push(`The source links back to a page already read (${next}): stopped there`);
      break;
    }
    if (pages >= limits.maxPages) {
      skipped.push(`More than ${limits.maxPages} pages: stopped before ${next}`);
      complete = false;
      break;
    }
    if (now() - started > limits.runTimeoutMs) {
      skipped.push(`The run took more than ${Math.round(limits.runTimeoutMs / 1000)} s: stopped before ${next}`);
      complete = false;
      break;
    }
    visited.add(next);
    const pageUrl: string = next;
    next = null;
    pages++;
    let page: ParsedPage;
    try {
      let text: string | undefined;
      // A connection the source dropped (an idle keep-alive socket, a reset) is tried again, twice at most;
      // a refusal by the guard, an error status, a time or size limit is not.
      for (let attempt = 1; text === undefined; attempt++) {
        const remaining = Math.max(1000, limits.runTimeoutMs - (now() - started));
        try {
          text = await readBounded(
            await fetchPublic(pageUrl),
            limits.maxPageBytes,
            Math.min(limits.pageTimeoutMs, remaining),
          );
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          if (attempt >= 3 || !/could not be reached|socket|ECONNRESET|terminated/i.test(message)) throw error;
          await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
        }
      }
      page = await parse(kind, text, pageUrl);
    } catch (error) {
      skipped.push(`Page ${pageUrl} skipped: ${error instanceof Error ? error.message : String(error)}`);
      complete = false;
      break;
    }
    const room = limits.maxRecords - records.length;
    if (page.records.length > room) {
      records.push(...page.records.slice(0, room));
      skipped.push(`More than ${limits.maxRecords} records: the rest of the source was not read`);
      complete = false;
      break;
    }
    records.push(...page.records);
    next = page.next;
  }
  return { records, pages, skipped, complete };
}
