/** Content sniffing: binary formats by magic number, text encoding, and the text format. */
import { open } from 'node:fs/promises';
import { ImportError } from './errors.js';
import { utf8Stats, type Encoding } from './decode.js';
import { importMessage, type ImportMessage } from './messages.js';

export const SAMPLE_BYTES = 1024 * 1024;

export interface Head {
  size: number;
  head: Buffer;
  /** The head is the whole file. */
  complete: boolean;
}

export async function readHead(path: string, bytes = SAMPLE_BYTES): Promise<Head & { tail: Buffer }> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const head = Buffer.alloc(Math.min(size, bytes));
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    const tailLen = Math.min(size, 64 * 1024);
    const tail = Buffer.alloc(tailLen);
    await fh.read(tail, 0, tailLen, size - tailLen);
    return { size, head: head.subarray(0, bytesRead), complete: bytesRead >= size, tail };
  } finally {
    await fh.close();
  }
}

const startsWith = (b: Buffer, sig: number[]) => sig.every((x, i) => b[i] === x);

/** Throws for binary files; returns 'xlsx' for a spreadsheet, 'text' otherwise. */
export function sniffBinary(head: Buffer, tail: Buffer): 'xlsx' | 'text' {
  if (startsWith(head, [0x50, 0x4b, 0x03, 0x04]) || startsWith(head, [0x50, 0x4b, 0x05, 0x06])) {
    const has = (s: string) => head.includes(s, 0, 'latin1') || tail.includes(s, 0, 'latin1');
    if (has('xl/workbook.xml') || has('xl/worksheets/')) return 'xlsx';
    if (has('application/vnd.oasis.opendocument.spreadsheet'))
      throw new ImportError(
        'unsupported_format',
        'OpenDocument spreadsheets (.ods) are not supported yet: please save the file as XLSX or CSV.',
      );
    throw new ImportError(
      'binary_file',
      'This file is a ZIP archive, not a table: please upload the CSV, JSON or XLSX file it contains.',
    );
  }
  if (startsWith(head, [0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]))
    throw new ImportError(
      'unsupported_format',
      'Legacy Excel files (.xls) are not supported: please save the file as XLSX or CSV.',
    );
  if (startsWith(head, [0xff, 0xfe]) || startsWith(head, [0xfe, 0xff]))
    throw new ImportError(
      'unsupported_format',
      'This file is encoded in UTF-16 (“Unicode text”): please save it as CSV UTF-8.',
    );
  const magic: [number[], string][] = [
    [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
    [[0xff, 0xd8, 0xff], 'a JPEG image'],
    [[0x47, 0x49, 0x46, 0x38], 'a GIF image'],
    [[0x25, 0x50, 0x44, 0x46], 'a PDF document'],
    [[0x1f, 0x8b], 'a gzip archive'],
    [[0x42, 0x5a, 0x68], 'a bzip2 archive'],
    [[0x37, 0x7a, 0xbc, 0xaf], 'a 7-Zip archive'],
    [[0x52, 0x61, 0x72, 0x21], 'a RAR archive'],
    [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite database'],
    [[0x50, 0x41, 0x52, 0x31], 'a Parquet file'],
  ];
  for (const [sig, what] of magic)
    if (startsWith(head, sig)) throw new ImportError('binary_file', `This file is ${what}, not a table.`);
  // Text has no NUL bytes and few control characters.
  let controls = 0;
  for (let i = 0; i < head.length; i++) {
    const b = head[i]!;
    if (b === 0)
      throw new ImportError(
        'binary_file',
        'This file is binary, not a text table (CSV, JSON) or a spreadsheet (XLSX).',
      );
    if (b < 9 || (b > 13 && b < 32 && b !== 26)) controls++;
  }
  if (controls > 8 && controls > head.length / 100)
    throw new ImportError('binary_file', 'This file is binary, not a text table (CSV, JSON) or a spreadsheet (XLSX).');
  return 'text';
}

export interface EncodingGuess {
  encoding: Encoding;
  warning?: ImportMessage;
}

/**
 * UTF-8 unless the sample has bytes that are not valid UTF-8 and no valid multi-byte UTF-8 sequence (then
 * Windows-1252, a superset of Latin-1). A sample with both is mostly UTF-8 with a few stray Latin-1 bytes:
 * UTF-8, and the decoder reads the stray bytes as Windows-1252.
 */
export function sniffEncoding(head: Buffer, complete: boolean): EncodingGuess {
  const { invalid, multibyte } = utf8Stats(head, !complete);
  if (invalid === 0) return { encoding: 'utf-8' };
  if (multibyte === 0) return { encoding: 'windows-1252' };
  return {
    encoding: 'utf-8',
    warning: importMessage('encoding.mixed', { count: invalid, kb: Math.round(head.length / 1024) }),
  };
}
