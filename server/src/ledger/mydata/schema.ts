import { Type, type Static } from '@sinclair/typebox';

export const DataExport = Type.Object(
  {
    id: Type.String(),
    status: Type.Union([
      Type.Literal('pending'),
      Type.Literal('running'),
      Type.Literal('ready'),
      Type.Literal('failed'),
    ]),
    progress: Type.Integer({ minimum: 0, maximum: 100, description: 'Percent of the sections written' }),
    createdAt: Type.String({ format: 'date-time' }),
    readyAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], {
      description: 'After this date the download answers 410 and the file is deleted',
    }),
    bytes: Type.Union([Type.Integer(), Type.Null()]),
    error: Type.Union([Type.String(), Type.Null()]),
    downloadUrl: Type.Union([Type.String(), Type.Null()], { description: 'Set once ready (and until it expires)' }),
  },
  { $id: 'DataExport' },
);
export type DataExport = Static<typeof DataExport>;

export const ExportParams = Type.Object({ id: Type.String({ maxLength: 64 }) });
