// rdf-ext (a root devDependency, used by the catalog tests) ships no type declarations: the little we use.
declare module 'rdf-ext' {
  import type { DatasetCore, Quad } from '@rdfjs/types';

  interface RdfExtDataset extends DatasetCore {
    readonly size: number;
    /** Canonical N-Quads (RDF Dataset Canonicalization): equal strings ⇔ isomorphic graphs. */
    toCanonical(): string;
  }
  interface RdfExtEnvironment {
    dataset(quads?: Iterable<Quad>): RdfExtDataset;
    io: { dataset: { fromText(mediaType: string, text: string): Promise<RdfExtDataset> } };
  }
  const rdf: RdfExtEnvironment;
  export default rdf;
}
