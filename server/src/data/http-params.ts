import { Type } from '@sinclair/typebox';

/** Path parameters and shapes shared by the data routes. */
export const SlugParams = Type.Object({ slug: Type.String({ maxLength: 100 }) });
export const ResourceParams = Type.Object({
  slug: Type.String({ maxLength: 100 }),
  id: Type.String({ maxLength: 64 }),
});
export const Next = Type.Union([Type.String(), Type.Null()]);
