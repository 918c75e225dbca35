/** sitemap.xml per https://www.sitemaps.org/protocol.html. */

/** A sitemap holds at most 50,000 URLs (and 50 MB); beyond, split and serve a sitemap index. */
export const SITEMAP_MAX_URLS = 50_000;

function escapeXml(s: string): string {
  return (
    s
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
  );
}

/** An absolute http(s) URL, percent-encoded as the protocol requires; null if the value is not one. */
function normalizeLoc(loc: string): string | null {
  try {
    const u = new URL(loc.trim());
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.href.length < 2048 ? u.href : null;
  } catch {
    return null;
  }
}

/** W3C Datetime: a date as is, a date-time in UTC without milliseconds; null when unparseable. */
function normalizeLastmod(value: string | undefined): string | null {
  const v = value?.trim();
  if (!v) return null;
  if (/^\d{4}(-\d{2}(-\d{2})?)?$/.test(v)) return v;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function entries(tag: 'url' | 'sitemap', items: Array<{ loc: string; lastmod?: string }>): string[] {
  const lines: string[] = [];
  for (const item of items) {
    const loc = normalizeLoc(item.loc);
    if (!loc) continue; // not a URL a crawler could fetch: leaving it out keeps the file valid
    const lastmod = normalizeLastmod(item.lastmod);
    lines.push(`  <${tag}>`, `    <loc>${escapeXml(loc)}</loc>`);
    if (lastmod) lines.push(`    <lastmod>${lastmod}</lastmod>`);
    lines.push(`  </${tag}>`);
  }
  return lines;
}

/** A <urlset>. Invalid URLs are skipped; more than SITEMAP_MAX_URLS throws (use sitemapIndexXml and pages). */
export function sitemapXml(urls: Array<{ loc: string; lastmod?: string }>): string {
  if (urls.length > SITEMAP_MAX_URLS)
    throw new RangeError(
      `A sitemap holds at most ${SITEMAP_MAX_URLS} URLs (got ${urls.length}); split it and serve a sitemap index`,
    );
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...entries('url', urls),
    '</urlset>',
    '',
  ].join('\n');
}

/** A <sitemapindex> pointing at sitemap files. */
export function sitemapIndexXml(sitemaps: Array<{ loc: string; lastmod?: string }>): string {
  if (sitemaps.length > SITEMAP_MAX_URLS)
    throw new RangeError(`A sitemap index holds at most ${SITEMAP_MAX_URLS} sitemaps`);
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ...entries('sitemap', sitemaps),
    '</sitemapindex>',
    '',
  ].join('\n');
}
