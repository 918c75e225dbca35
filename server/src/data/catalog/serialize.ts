/**
 * Serializations of the catalog graph: Turtle and N-Triples through n3's Writer, and two small writers of
 * our own, JSON-LD (a flattened @graph with a prefix @context) and RDF/XML (one rdf:Description per subject).
 */
import type * as RDF from '@rdfjs/types';
import { Writer } from 'n3';
import { NS } from './vocabularies.js';

export type CatalogFormat = 'turtle' | 'jsonld' | 'rdfxml';
/** N-Triples is served on request (`serializeCatalog(q, 'ntriples')`) but not negotiated. */
export type SerializationFormat = CatalogFormat | 'ntriples';

/** The Content-Type to answer with, per format. */
export const CATALOG_CONTENT_TYPES: Record<SerializationFormat, string> = {
  turtle: 'text/turtle; charset=utf-8',
  jsonld: 'application/ld+json; charset=utf-8',
  rdfxml: 'application/rdf+xml; charset=utf-8',
  ntriples: 'application/n-triples; charset=utf-8',
};
/** File extensions, for Content-Disposition or `?format=`. */
export const CATALOG_EXTENSIONS: Record<SerializationFormat, string> = {
  turtle: 'ttl',
  jsonld: 'jsonld',
  rdfxml: 'rdf',
  ntriples: 'nt',
};

const PREFIXES: Record<string, string> = { ...NS };
const XSD_STRING = `${NS.xsd}string`;
const RDF_LANG_STRING = `${NS.rdf}langString`;
const RDF_TYPE = `${NS.rdf}type`;

/** Quads grouped by subject, subjects in order of first appearance (graph names are dropped: the catalog is one graph). */
function bySubject(quads: Iterable<RDF.Quad>): Array<{ subject: RDF.Quad['subject']; quads: RDF.Quad[] }> {
  const groups = new Map<string, { subject: RDF.Quad['subject']; quads: RDF.Quad[] }>();
  for (const q of quads) {
    const key = `${q.subject.termType}:${q.subject.value}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { subject: q.subject, quads: [] }));
    g.quads.push(q);
  }
  // rdf:type first within each subject (readability; the order of triples carries no meaning).
  for (const g of groups.values())
    g.quads.sort((a, b) => Number(b.predicate.value === RDF_TYPE) - Number(a.predicate.value === RDF_TYPE));
  return [...groups.values()];
}

export async function serializeCatalog(quads: Iterable<RDF.Quad>, format: SerializationFormat): Promise<string> {
  switch (format) {
    case 'turtle':
    case 'ntriples':
      return writeWithN3(quads, format);
    case 'jsonld':
      return JSON.stringify(toJsonLd(quads), null, 2) + '\n';
    case 'rdfxml':
      return toRdfXml(quads);
  }
}

function writeWithN3(quads: Iterable<RDF.Quad>, format: 'turtle' | 'ntriples'): Promise<string> {
  const writer = format === 'turtle' ? new Writer({ prefixes: PREFIXES }) : new Writer({ format: 'N-Triples' });
  for (const g of bySubject(quads)) {
    for (const q of g.quads) writer.addQuad(q.subject, q.predicate, q.object);
  }
  return new Promise((resolve, reject) =>
    writer.end((err: Error | null, result: string) => (err ? reject(err) : resolve(result))),
  );
}

// JSON-LD

const PN_LOCAL = /^[A-Za-z_][A-Za-z0-9_.-]*$/;

/** 'http://purl.org/dc/terms/title' → 'dct:title' when a prefix covers it; the IRI unchanged otherwise. */
function compactIri(iri: string): string {
  for (const [prefix, ns] of Object.entries(PREFIXES)) {
    if (iri.startsWith(ns) && PN_LOCAL.test(iri.slice(ns.length))) return `${prefix}:${iri.slice(ns.length)}`;
  }
  return iri;
}

const nodeId = (t: RDF.Term): string => (t.termType === 'BlankNode' ? `_:${t.value}` : compactIri(t.value));

type JsonLdValue =
  string | { '@id': string } | { '@value': string; '@language': string } | { '@value': string; '@type': string };

function jsonLdValue(o: RDF.Term): JsonLdValue {
  if (o.termType !== 'Literal') return { '@id': nodeId(o) };
  const lit = o as RDF.Literal;
  if (lit.language) return { '@value': lit.value, '@language': lit.language };
  if (!lit.datatype || lit.datatype.value === XSD_STRING) return lit.value;
  return { '@value': lit.value, '@type': compactIri(lit.datatype.value) };
}

/** A flattened JSON-LD document: { @context: prefixes, @graph: [one node object per subject] }. */
export function toJsonLd(quads: Iterable<RDF.Quad>): {
  '@context': Record<string, string>;
  '@graph': Array<Record<string, unknown>>;
} {
  const graph = bySubject(quads).map(({ subject, quads: qs }) => {
    const node: Record<string, unknown> = { '@id': nodeId(subject) };
    const types: string[] = [];
    const props = new Map<string, JsonLdValue[]>();
    for (const q of qs) {
      if (q.predicate.value === RDF_TYPE && q.object.termType === 'NamedNode') {
        types.push(compactIri(q.object.value));
        continue;
      }
      const key = compactIri(q.predicate.value);
      const list = props.get(key) ?? [];
      list.push(jsonLdValue(q.object));
      props.set(key, list);
    }
    if (types.length) node['@type'] = types.length === 1 ? types[0] : types;
    for (const [key, values] of props) node[key] = values.length === 1 ? values[0] : values;
    return node;
  });
  return { '@context': { ...PREFIXES }, '@graph': graph };
}

// RDF/XML

// Characters XML 1.0 cannot carry at all, not even as character references.
const XML_INVALID =
  // eslint-disable-next-line no-control-regex
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Escapes text content (`&`, `<`, `>`; CR kept as a reference so it survives end-of-line normalisation). */
export function escapeXmlText(s: string): string {
  return s
    .replace(XML_INVALID, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** Escapes an attribute value delimited by double quotes (whitespace kept as references so it survives normalisation). */
export function escapeXmlAttr(s: string): string {
  return escapeXmlText(s).replace(/"/g, '&quot;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

const NCNAME_TAIL = /[A-Za-z_][A-Za-z0-9_.-]*$/;

export function toRdfXml(quads: Iterable<RDF.Quad>): string {
  const groups = bySubject(quads);
  // Namespaces for predicates: the known prefixes first, then ns0, ns1, … for the others.
  const namespaces = new Map<string, string>(); // namespace IRI → prefix
  const qname = new Map<string, string>(); // predicate IRI → qualified name
  let extra = 0;
  const known = Object.entries(PREFIXES);
  for (const g of groups) {
    for (const q of g.quads) {
      const p = q.predicate.value;
      if (qname.has(p)) continue;
      let ns: string | undefined;
      let local: string | undefined;
      for (const [, iri] of known) {
        if (p.startsWith(iri) && /^[A-Za-z_][A-Za-z0-9_.-]*$/.test(p.slice(iri.length))) {
          ns = iri;
          local = p.slice(iri.length);
          break;
        }
      }
      if (ns === undefined) {
        const m = NCNAME_TAIL.exec(p);
        if (!m || m.index === 0)
          throw new Error(`RDF/XML cannot express the predicate <${p}> (no XML name at its end)`);
        ns = p.slice(0, m.index);
        local = m[0];
      }
      let prefix = namespaces.get(ns) ?? known.find(([, iri]) => iri === ns)?.[0];
      if (!prefix) prefix = `ns${extra++}`;
      namespaces.set(ns, prefix);
      qname.set(p, `${prefix}:${local}`);
    }
  }
  namespaces.set(NS.rdf, 'rdf');

  const blankIds = new Map<string, string>();
  const blankId = (t: RDF.Term) => {
    let id = blankIds.get(t.value);
    if (!id) blankIds.set(t.value, (id = `b${blankIds.size}`));
    return id;
  };
  const subjectAttr = (t: RDF.Term) =>
    t.termType === 'BlankNode' ? `rdf:nodeID="${blankId(t)}"` : `rdf:about="${escapeXmlAttr(t.value)}"`;

  const lines: string[] = ['<?xml version="1.0" encoding="utf-8"?>'];
  const xmlns = [...namespaces]
    .sort(([, a], [, b]) => a.localeCompare(b))
    .map(([iri, prefix]) => `xmlns:${prefix}="${escapeXmlAttr(iri)}"`);
  lines.push(`<rdf:RDF\n  ${xmlns.join('\n  ')}>`);
  for (const g of groups) {
    lines.push(`  <rdf:Description ${subjectAttr(g.subject)}>`);
    for (const q of g.quads) {
      const name = qname.get(q.predicate.value)!;
      const o = q.object;
      if (o.termType === 'NamedNode') lines.push(`    <${name} rdf:resource="${escapeXmlAttr(o.value)}"/>`);
      else if (o.termType === 'BlankNode') lines.push(`    <${name} rdf:nodeID="${blankId(o)}"/>`);
      else if (o.termType === 'Literal') {
        const lit = o as RDF.Literal;
        const attr = lit.language
          ? ` xml:lang="${escapeXmlAttr(lit.language)}"`
          : lit.datatype && lit.datatype.value !== XSD_STRING && lit.datatype.value !== RDF_LANG_STRING
            ? ` rdf:datatype="${escapeXmlAttr(lit.datatype.value)}"`
            : '';
        lines.push(`    <${name}${attr}>${escapeXmlText(lit.value)}</${name}>`);
      }
    }
    lines.push('  </rdf:Description>');
  }
  lines.push('</rdf:RDF>', '');
  return lines.join('\n');
}

// Content negotiation

const MEDIA_TYPES: Record<string, CatalogFormat> = {
  'text/turtle': 'turtle',
  'application/x-turtle': 'turtle',
  'application/ld+json': 'jsonld',
  'application/json': 'jsonld',
  'application/rdf+xml': 'rdfxml',
  // Not application/xml nor text/xml: browsers send `application/xml;q=0.9` and should get the default.
};
const FORMAT_PARAMS: Record<string, CatalogFormat> = {
  ttl: 'turtle',
  turtle: 'turtle',
  jsonld: 'jsonld',
  'json-ld': 'jsonld',
  json: 'jsonld',
  rdf: 'rdfxml',
  xml: 'rdfxml',
  rdfxml: 'rdfxml',
  'rdf+xml': 'rdfxml',
};
/** The format served when the client expresses no preference (no Accept, `*\/*`, or ties). */
export const DEFAULT_CATALOG_FORMAT: CatalogFormat = 'jsonld';
// Server preference among equally acceptable formats.
const PREFERENCE: CatalogFormat[] = ['jsonld', 'turtle', 'rdfxml'];

/**
 * The format to serve. `?format=ttl|jsonld|rdf` wins over Accept (an unknown value → null). Accept is read
 * per RFC 9110: q-values, the most specific matching range decides a format's q, q=0 excludes. No Accept,
 * an empty or unparseable one → the default (JSON-LD). Null when the Accept header excludes every format:
 * answer 406.
 */
export function negotiate(acceptHeader: string | undefined, formatParam?: string): CatalogFormat | null {
  if (formatParam !== undefined && formatParam.trim() !== '') {
    return FORMAT_PARAMS[formatParam.trim().toLowerCase().replace(/^\./, '')] ?? null;
  }
  const ranges = parseAccept(acceptHeader ?? '');
  if (ranges.length === 0) return DEFAULT_CATALOG_FORMAT;

  let best: { format: CatalogFormat; q: number; specificity: number } | null = null;
  for (const format of PREFERENCE) {
    let match: { q: number; specificity: number } | null = null;
    for (const [mediaType, f] of Object.entries(MEDIA_TYPES)) {
      if (f !== format) continue;
      const [type, subtype] = mediaType.split('/') as [string, string];
      for (const r of ranges) {
        const specificity =
          r.type === type && r.subtype === subtype
            ? 2
            : r.type === type && r.subtype === '*'
              ? 1
              : r.type === '*' && r.subtype === '*'
                ? 0
                : -1;
        if (specificity < 0) continue;
        if (!match || specificity > match.specificity || (specificity === match.specificity && r.q > match.q))
          match = { q: r.q, specificity };
      }
    }
    if (!match || match.q <= 0) continue;
    // Higher q wins; then the more specific range (text/turtle beats */*); then PREFERENCE order.
    if (!best || match.q > best.q || (match.q === best.q && match.specificity > best.specificity))
      best = { format, q: match.q, specificity: match.specificity };
  }
  return best?.format ?? null;
}

function parseAccept(header: string): Array<{ type: string; subtype: string; q: number }> {
  const out: Array<{ type: string; subtype: string; q: number }> = [];
  for (const part of header.split(',')) {
    const [range, ...params] = part.split(';').map((s) => s.trim());
    const m = /^([a-z0-9!#$&^_.+-]+|\*)\/([a-z0-9!#$&^_.+-]+|\*)$/i.exec(range ?? '');
    if (!m) continue;
    let q = 1;
    for (const p of params) {
      const qm = /^q\s*=\s*([0-9](?:\.[0-9]{0,3})?)$/i.exec(p);
      if (qm) q = Math.min(1, Number(qm[1]));
    }
    out.push({ type: m[1]!.toLowerCase(), subtype: m[2]!.toLowerCase(), q });
  }
  return out;
}
