export type ImportErrorCode =
  | 'empty_file'
  | 'binary_file'
  | 'unsupported_format'
  | 'too_many_columns'
  | 'unreadable'
  | 'no_rows'
  | 'too_many_rejected'
  | 'interrupted';

/** A file that cannot be imported at all (as opposed to a row that is rejected). The message is for the publisher. */
export class ImportError extends Error {
  override readonly name = 'ImportError';
  constructor(
    readonly code: ImportErrorCode,
    message: string,
  ) {
    super(message);
  }
}
