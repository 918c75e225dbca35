/**
 * The paged catalog for large instances (DCAT-AP with Hydra paging, as national portals and data.europa.eu
 * read it): `/catalog/pages/{n}` holds the dcat:Catalog with the datasets of page n, and a
 * hydra:PartialCollectionView naming the first, last, previous and next pages; the catalog is also a
 * hydra:Collection with hydra:totalItems. Harvesters follow hydra:next until there is none.
 */
import { DataFactory, type Quad } from 'n3';

const { namedNode, literal, quad } = DataFactory;
const HYDRA = 'http://www.w3.org/ns/hydra/core#';
const RDF_TYPE = namedNode('http://www.w3.org/1999/02/22-rdf-syntax-ns#type');
const XSD_INTEGER = namedNode('http://www.w3.org/2001/XMLSchema#integer');
const h = (l: string) => namedNode(HYDRA + l);

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

export function hydraQuads(options: {
  catalogIri: string;
  pageUrl: (page: number) => string;
  page: number;
  lastPage: number;
  total: number;
}): Quad[] {
  const { catalogIri, pageUrl, page, lastPage, total } = options;
  const catalog = namedNode(catalogIri);
  const view = namedNode(pageUrl(page));
  const quads = [
    quad(catalog, RDF_TYPE, h('Collection')),
    quad(catalog, h('totalItems'), literal(String(total), XSD_INTEGER)),
    quad(catalog, h('view'), view),
    quad(view, RDF_TYPE, h('PartialCollectionView')),
    quad(view, h('first'), namedNode(pageUrl(1))),
    quad(view, h('last'), namedNode(pageUrl(lastPage))),
  ];
  if (page > 1) quads.push(quad(view, h('previous'), namedNode(pageUrl(page - 1))));
  if (page < lastPage) quads.push(quad(view, h('next'), namedNode(pageUrl(page + 1))));
  return quads;
}
