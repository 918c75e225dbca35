/**
 * Streaming readers for JSON arrays of objects and NDJSON: only the current item is held in memory.
 * Records carry the 1-based item index (JSON array) or physical line (NDJSON).
 */

import { rowProblem, type RowProblem } from './messages.js';

export type JsonRecord = { line: number; object: Record<string, unknown> } | RowProblem;

const MAX_ITEM_CHARS = 16 * 1024 * 1024;

function parseItem(text: string, line: number, what: 'item' | 'line'): JsonRecord {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    return rowProblem(line, 'json.invalid', { unit: what, detail: (e as Error).message.slice(0, 120) });
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v))
    return rowProblem(line, 'json.notObject', { unit: what });
  return { line, object: v as Record<string, unknown> };
}

const enum S {
  Start,
  BeforeItem,
  Item,
  AfterItem,
  Done,
}

export class JsonArrayScanner {
  private state = S.Start;
  private depth = 0;
  private inString = false;
  private escape = false;
  private pending = '';
  private overflow = false;
  private index = 0;
  /** Set when the text does not start with `[` (after whitespace). */
  notAnArray = false;
  /** Non-whitespace after the closing `]`. */
  trailingText = false;

  push(text: string, out: JsonRecord[]): void {
    const len = text.length;
    let itemStart = 0;
    let i = 0;
    while (i < len) {
      const c = text.charCodeAt(i);
      switch (this.state) {
        case S.Start:
          if (c === 91) this.state = S.BeforeItem;
          else if (!isWs(c)) {
            this.notAnArray = true;
            this.state = S.Done;
            return;
          }
          i++;
          break;
        case S.BeforeItem:
        case S.AfterItem:
          if (c === 93) this.state = S.Done;
          else if (c === 44) this.state = S.BeforeItem;
          else if (!isWs(c)) {
            // An item (also after a missing comma: JSON.parse will then report what is wrong).
            this.state = S.Item;
            this.index++;
            this.depth = 0;
            this.pending = '';
            this.overflow = false;
            itemStart = i;
            continue;
          }
          i++;
          break;
        case S.Item: {
          if (this.inString) {
            if (this.escape) {
              this.escape = false;
              i++;
              break;
            }
            const q = text.indexOf('"', i);
            const b = text.indexOf('\\', i);
            if (b >= 0 && (q < 0 || b < q)) {
              i = b + 1;
              this.escape = true;
              break;
            }
            if (q < 0) {
              i = len;
              break;
            }
            this.inString = false;
            i = q + 1;
            break;
          }
          if (c === 34) this.inString = true;
          else if (c === 123 || c === 91) this.depth++;
          else if (c === 125 || c === 93) {
            if (this.depth === 0) {
              // `]` closing the array right after a scalar item
              this.emit(text, itemStart, i, out);
              this.state = S.Done;
            } else if (--this.depth === 0) {
              this.emit(text, itemStart, i + 1, out);
              this.state = S.AfterItem;
            }
          } else if (c === 44 && this.depth === 0) {
            this.emit(text, itemStart, i, out);
            this.state = S.BeforeItem;
          }
          i++;
          break;
        }
        case S.Done:
          if (!isWs(c)) this.trailingText = true;
          return;
      }
    }
    if (this.state === S.Item && !this.overflow) {
      this.pending += text.slice(itemStart);
      if (this.pending.length > MAX_ITEM_CHARS) {
        this.overflow = true;
        this.pending = '';
      }
    }
  }

  /** `complete`: the whole file was read (not just a sample). */
  end(out: JsonRecord[]): void {
    if (this.state === S.Item) out.push(rowProblem(this.index, 'json.endsInsideItem'));
    else if (this.state !== S.Done && this.state !== S.Start) out.push(rowProblem(this.index + 1, 'json.notClosed'));
  }

  private emit(text: string, from: number, to: number, out: JsonRecord[]): void {
    if (this.overflow) {
      out.push(rowProblem(this.index, 'json.itemTooLarge', { mb: MAX_ITEM_CHARS / 1048576 }));
      this.overflow = false;
      return;
    }
    const item = this.pending + text.slice(from, to);
    this.pending = '';
    out.push(parseItem(item, this.index, 'item'));
  }
}

export class NdjsonSplitter {
  private buf = '';
  private line = 1;
  private skipping = false;
  /** No '\n' in buf before this index. */
  private scanned = 0;

  private parts: string[] = [];
  private partsLength = 0;

  push(text: string, out: JsonRecord[]): void {
    if (
      this.buf.length > 0 &&
      this.scanned >= this.buf.length &&
      !this.skipping &&
      text.indexOf('\n') < 0 &&
      this.buf.length + this.partsLength + text.length <= MAX_ITEM_CHARS
    ) {
      this.partsLength += text.length;
      this.parts.push(text); // a long line: joined when its end arrives
      return;
    }
    if (this.parts.length > 0) {
      this.buf += this.parts.join('');
      this.parts = [];
      this.partsLength = 0;
    }
    this.buf += text;
    this.run(false, out);
  }

  end(out: JsonRecord[]): void {
    if (this.parts.length > 0) this.push('\n', out);
    this.run(true, out);
  }

  private run(final: boolean, out: JsonRecord[]): void {
    const buf = this.buf;
    let pos = 0;
    while (pos < buf.length) {
      let nl = buf.indexOf('\n', Math.max(pos, this.scanned));
      if (nl < 0) {
        if (!final) {
          this.scanned = buf.length;
          if (buf.length - pos > MAX_ITEM_CHARS && !this.skipping) {
            out.push(rowProblem(this.line, 'ndjson.lineTooLong', { mb: MAX_ITEM_CHARS / 1048576 }));
            this.skipping = true;
          }
          if (this.skipping) pos = buf.length;
          break;
        }
        nl = buf.length;
      }
      if (this.skipping) this.skipping = false;
      else {
        const text = buf.slice(pos, nl).trim();
        if (text !== '') out.push(parseItem(text, this.line, 'line'));
      }
      this.line++;
      pos = nl + 1;
    }
    this.buf = pos >= buf.length ? '' : buf.slice(pos);
    this.scanned = Math.max(0, this.scanned - pos);
  }
}

function isWs(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9 || c === 0xfeff;
}
