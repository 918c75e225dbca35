/**
 * DCAT-AP catalogs in RDF/XML, Turtle or JSON-LD, paged with Hydra (`hydra:PartialCollectionView`, `hydra:next`
 * as an IRI or, as udata writes it, a literal).
 * Contract: the whole page text is given (the harvester bounded its size); the page is parsed into a graph and each
 * `dcat:Dataset` becomes a record keyed by its `dct:identifier`, or its IRI when it has none; a dataset that is a
 * blank node without an identifier is reported, not guessed. JSON-LD never loads a remote context: a source cannot
 * make the server fetch anything beyond the pages the harvester asks for.
 */
import { Parser as TurtleParser, Store, type Quad, type Term } from 'n3';
import { RdfXmlParser } from 'rdfxml-streaming-parser';
import { JsonLdParser } from 'jsonld-streaming-parser';
import {
  clip,
  cleanKeywords,
  finish,
  httpUrl,
  LIMITS,
  mapLicense,
  type HarvestedRecord,
  type HarvestedResource,
  type ParsedPage,
  type RecordError,
} from './types.js';

const RDF = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#';
const DCAT = 'http://www.w3.org/ns/dcat#';
const DCT = 'http://purl.org/dc/terms/';
const HYDRA = 'http://www.w3.org/ns/hydra/core#';
const VCARD = 'http://www.w3.org/2006/vcard/ns#';
const FOAF = 'http://xmlns.com/foaf/0.1/';

/** At most this many triples per page: a page of 10,000 datasets stays far below. */
const MAX_QUADS = 500_000;

export type RdfSyntax = 'turtle' | 'rdfxml' | 'jsonld';

/** The syntax of a page, from its media type, else from its first characters. */
export function detectSyntax(text: string, contentType?: string | null): RdfSyntax {
  const ct = (contentType ?? '').toLowerCase();
  if (ct.includes('rdf+xml') || ct.includes('/xml')) return 'rdfxml';
  if (ct.includes('ld+json') || ct.includes('/json')) return 'jsonld';
  if (ct.includes('turtle') || ct.includes('n-triples') || ct.includes('trig')) return 'turtle';
  const head = text.trimStart().slice(0, 1);
  if (head === '<' && !/^<https?:/.test(text.trimStart())) return 'rdfxml';
  if (head === '{' || head === '[') return 'jsonld';
  return 'turtle';
}

function collect(parser: NodeJS.ReadWriteStream, text: string): Promise<Quad[]> {
  return new Promise((resolve, reject) => {
    const quads: Quad[] = [];
    parser.on('data', (q: Quad) => {
      quads.push(q);
      if (quads.length > MAX_QUADS) parser.emit('error', new Error(`More than ${MAX_QUADS} triples in one page`));
    });
    parser.on('error', (e: Error) => reject(e));
    parser.on('end', () => resolve(quads));
    parser.write(text);
    parser.end();
  });
}

export async function parseRdf(text: string, syntax: RdfSyntax, baseIRI: string): Promise<Store> {
  let quads: Quad[];
  if (syntax === 'turtle') {
    quads = new TurtleParser({ baseIRI }).parse(text);
    if (quads.length > MAX_QUADS) throw new Error(`More than ${MAX_QUADS} triples in one page`);
  } else if (syntax === 'rdfxml') {
    quads = await collect(new RdfXmlParser({ baseIRI }) as unknown as NodeJS.ReadWriteStream, text);
  } else {
    const parser = new JsonLdParser({
      baseIRI,
      documentLoader: {
        load: (url: string) => Promise.reject(new Error(`Remote JSON-LD contexts are not loaded (${url})`)),
      },
    });
    quads = await collect(parser as unknown as NodeJS.ReadWriteStream, text);
  }
  return new Store(quads);
}

function literalPick(store: Store, s: Term, p: string): string | null {
  const objects = store.getObjects(s, p, null);
  if (objects.length === 0) return null;
  const score = (o: Term) => {
    const lang = o.termType === 'Literal' ? (o as unknown as { language: string }).language : '';
    return lang === 'fr' ? 0 : lang === '' ? 1 : lang === 'en' ? 2 : 3;
  };
  return [...objects].sort((a, b) => score(a) - score(b))[0]!.value;
}

const values = (store: Store, s: Term, p: string) => store.getObjects(s, p, null).map((o) => o.value);
const one = (store: Store, s: Term, p: string) => store.getObjects(s, p, null)[0];

function distribution(store: Store, d: Term): HarvestedResource | null {
  const url = httpUrl(one(store, d, `${DCAT}downloadURL`)?.value) ?? httpUrl(one(store, d, `${DCAT}accessURL`)?.value);
  if (!url) return null;
  const formatTerm = one(store, d, `${DCT}format`) ?? one(store, d, `${DCAT}mediaType`);
  let format = formatTerm?.value ?? null;
  if (format && formatTerm?.termType === 'NamedNode') format = format.replace(/\/+$/, '').split(/[/#]/).pop() ?? null;
  return {
    title: clip(literalPick(store, d, `${DCT}title`) ?? url, LIMITS.title),
    url,
    format: clip(format, 50) || null,
    description: clip(literalPick(store, d, `${DCT}description`), 2000),
  };
}

function dataset(store: Store, s: Term): HarvestedRecord | RecordError {
  const identifier = clip(literalPick(store, s, `${DCT}identifier`), LIMITS.sourceId);
  const iri = s.termType === 'NamedNode' ? s.value : null;
  const landing = one(store, s, `${DCAT}landingPage`)?.value;
  const distributions = store.getObjects(s, `${DCAT}distribution`, null);
  let license = one(store, s, `${DCT}license`)?.value ?? null;
  for (const d of distributions) license ??= one(store, d, `${DCT}license`)?.value ?? null;
  const contact = one(store, s, `${DCAT}contactPoint`);
  const email = contact ? one(store, contact, `${VCARD}hasEmail`)?.value : undefined;
  const publisher = one(store, s, `${DCT}publisher`);
  return finish({
    sourceId: identifier || clip(iri, LIMITS.sourceId),
    sourceUrl: httpUrl(landing) ?? httpUrl(iri),
    title: clip(literalPick(store, s, `${DCT}title`), LIMITS.title),
    description: clip(literalPick(store, s, `${DCT}description`), LIMITS.description),
    keywords: cleanKeywords(values(store, s, `${DCAT}keyword`)),
    license: mapLicense(license),
    contactName:
      clip(
        (contact &&
          (literalPick(store, contact, `${VCARD}fn`) ?? literalPick(store, contact, `${VCARD}organization-name`))) ||
          (publisher && literalPick(store, publisher, `${FOAF}name`)),
        200,
      ) || null,
    contactEmail: email ? clip(email.replace(/^mailto:/i, ''), 200) || null : null,
    resources: distributions.slice(0, LIMITS.resources).flatMap((d) => {
      const r = distribution(store, d);
      return r ? [r] : [];
    }),
  });
}

/** Parses one DCAT page; throws when the page is not readable RDF. */
export async function parseDcatPage(text: string, pageUrl: string, contentType?: string | null): Promise<ParsedPage> {
  const store = await parseRdf(text, detectSyntax(text, contentType), pageUrl);
  const subjects = store.getSubjects(`${RDF}type`, `${DCAT}Dataset`, null);
  let next: string | null = null;
  for (const view of store.getSubjects(`${RDF}type`, `${HYDRA}PartialCollectionView`, null)) {
    const n = one(store, view, `${HYDRA}next`) ?? one(store, view, `${HYDRA}nextPage`);
    if (n) next = n.value;
  }
  if (!next) {
    const n = store.getObjects(null, `${HYDRA}next`, null)[0] ?? store.getObjects(null, `${HYDRA}nextPage`, null)[0];
    if (n) next = n.value;
  }
  if (next) {
    try {
      next = new URL(next, pageUrl).href;
    } catch {
      next = null;
    }
  }
  const totalTerm = store.getObjects(null, `${HYDRA}totalItems`, null)[0];
  const total = totalTerm ? Number(totalTerm.value) : NaN;
  return {
    records: subjects.map((s) => dataset(store, s)),
    next: subjects.length > 0 ? next : null,
    total: Number.isFinite(total) ? total : null,
  };
}
