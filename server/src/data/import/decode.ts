/**
 * Byte → text decoding, streamed. UTF-8 is decoded with the native TextDecoder; bytes that are not valid
 * UTF-8 (a few Latin-1 bytes in an otherwise UTF-8 file) are decoded one by one as Windows-1252 instead
 * of being replaced by U+FFFD, so no text is lost and the row is still imported. Windows-1252 is decoded
 * with iconv-lite.
 */
import iconv from 'iconv-lite';
import type { SourceDialect } from '../table-schema.js';

export type Encoding = SourceDialect['encoding'];

/** Windows-1252 code points for bytes 0x80–0x9F (undefined bytes map to the C1 control of the same value). */
const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x0192, 0x201e, 0x2026, 0x2020, 0x2021, 0x02c6, 0x2030, 0x0160, 0x2039, 0x0152, 0x8d, 0x017d,
  0x8f, 0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x02dc, 0x2122, 0x0161, 0x203a, 0x0153, 0x9d,
  0x017e, 0x0178,
];

export function cp1252Char(byte: number): string {
  return String.fromCharCode(byte >= 0x80 && byte <= 0x9f ? CP1252_HIGH[byte - 0x80]! : byte);
}

/**
 * Length of the valid UTF-8 sequence starting at `i`: 1–4; 0 when invalid; -1 when the buffer ends in the
 * middle of a sequence that could still be valid.
 */
export function utf8SequenceLength(buf: Uint8Array, i: number): number {
  const b0 = buf[i]!;
  if (b0 < 0x80) return 1;
  let need: number;
  let lo = 0x80;
  let hi = 0xbf;
  if (b0 >= 0xc2 && b0 <= 0xdf) need = 2;
  else if (b0 >= 0xe0 && b0 <= 0xef) {
    need = 3;
    if (b0 === 0xe0) lo = 0xa0;
    else if (b0 === 0xed) hi = 0x9f;
  } else if (b0 >= 0xf0 && b0 <= 0xf4) {
    need = 4;
    if (b0 === 0xf0) lo = 0x90;
    else if (b0 === 0xf4) hi = 0x8f;
  } else return 0;
  for (let k = 1; k < need; k++) {
    if (i + k >= buf.length) return -1;
    const b = buf[i + k]!;
    if (k === 1 ? b < lo || b > hi : b < 0x80 || b > 0xbf) return 0;
  }
  return need;
}

export interface EncodingStats {
  /** Bytes that are not part of a valid UTF-8 sequence. */
  invalid: number;
  /** Valid multi-byte UTF-8 sequences. */
  multibyte: number;
}

export function utf8Stats(sample: Uint8Array, truncated: boolean): EncodingStats {
  let invalid = 0;
  let multibyte = 0;
  for (let i = 0; i < sample.length;) {
    if (sample[i]! < 0x80) {
      i++;
      continue;
    }
    const n = utf8SequenceLength(sample, i);
    if (n === -1) {
      if (!truncated) invalid += sample.length - i;
      break;
    }
    if (n === 0) {
      invalid++;
      i++;
    } else {
      multibyte++;
      i += n;
    }
  }
  return { invalid, multibyte };
}

export interface StreamDecoder {
  write(chunk: Buffer): string;
  end(): string;
  /** Count of bytes that were not valid in the declared encoding (UTF-8 only; decoded as Windows-1252). */
  readonly invalidBytes: number;
}

class Utf8Decoder implements StreamDecoder {
  private readonly fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  private carry: Buffer | null = null;
  private started = false;
  invalidBytes = 0;

  write(chunk: Buffer): string {
    let buf = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = null;
    if (!this.started) {
      if (buf.length < 3 && buf.length > 0 && Buffer.from([0xef, 0xbb, 0xbf]).subarray(0, buf.length).equals(buf)) {
        this.carry = Buffer.from(buf);
        return '';
      }
      this.started = true;
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) buf = buf.subarray(3);
    }
    // Keep an incomplete trailing sequence for the next chunk.
    let end = buf.length;
    for (let i = buf.length - 1; i >= 0 && i >= buf.length - 3; i--) {
      const b = buf[i]!;
      if ((b & 0xc0) === 0x80) continue;
      if (b >= 0xc0) {
        const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
        if (buf.length - i < need) end = i;
      }
      break;
    }
    if (end < buf.length) {
      this.carry = Buffer.from(buf.subarray(end));
      buf = buf.subarray(0, end);
    }
    return this.decode(buf);
  }

  end(): string {
    const rest = this.carry;
    this.carry = null;
    return rest ? this.lenient(rest) : '';
  }

  private decode(buf: Uint8Array): string {
    try {
      return this.fatal.decode(buf);
    } catch {
      return this.lenient(buf);
    }
  }

  /** Valid UTF-8 runs decoded natively; each invalid byte decoded as Windows-1252. */
  private lenient(buf: Uint8Array): string {
    let out = '';
    let runStart = 0;
    let i = 0;
    while (i < buf.length) {
      if (buf[i]! < 0x80) {
        i++;
        continue;
      }
      const n = utf8SequenceLength(buf, i);
      if (n > 0) {
        i += n;
        continue;
      }
      if (i > runStart) out += this.fatal.decode(buf.subarray(runStart, i));
      out += cp1252Char(buf[i]!);
      this.invalidBytes++;
      i++;
      runStart = i;
    }
    if (i > runStart) out += this.fatal.decode(buf.subarray(runStart, i));
    return out;
  }
}

class IconvDecoder implements StreamDecoder {
  private readonly decoder = iconv.getDecoder('windows-1252');
  readonly invalidBytes = 0;
  write(chunk: Buffer): string {
    return this.decoder.write(chunk);
  }
  end(): string {
    return this.decoder.end() ?? '';
  }
}

export function createDecoder(encoding: Encoding): StreamDecoder {
  return encoding === 'utf-8' ? new Utf8Decoder() : new IconvDecoder();
}

/** Decodes a whole (bounded) buffer. */
export function decodeAll(buf: Buffer, encoding: Encoding, truncated: boolean): { text: string; invalidBytes: number } {
  const d = createDecoder(encoding);
  let text = d.write(buf);
  if (!truncated) text += d.end();
  return { text, invalidBytes: d.invalidBytes };
}
