import { Marked } from 'marked';
import { createRequire } from 'node:module';
import type * as Xss from 'xss';

// xss is CommonJS without named ESM exports: load it through require, typed from its declarations.
const { FilterXSS, getDefaultWhiteList } = createRequire(import.meta.url)('xss') as typeof Xss;

const SAFE_HREF = /^(https?:|mailto:|\/|#)/i;

const marked = new Marked({ gfm: true, breaks: false, async: false });

// An allow-list: formatting, links, lists, tables, code; no scripts, styles, frames or event handlers.
const allowed = getDefaultWhiteList();
for (const tag of ['audio', 'video', 'source', 'track', 'font', 'center', 'img']) delete allowed[tag];
const filter = new FilterXSS({
  whiteList: { ...allowed, a: ['href', 'title'], code: ['class'], span: [], input: [] },
  stripIgnoreTag: true,
  stripIgnoreTagBody: ['script', 'style', 'iframe', 'object', 'embed'],
  // Links keep only safe schemes and never pass on the reader's trust (rel=nofollow ugc noopener).
  onTagAttr: (tag, name, value) => {
    if (tag !== 'a' || name !== 'href') return undefined;
    return SAFE_HREF.test(value.trim()) ? `href="${value.replace(/"/g, '&quot;')}" rel="nofollow ugc noopener"` : '';
  },
});

/** Markdown to HTML that is safe to insert in a page: rendered with marked, sanitized with an allow-list. */
export function renderMarkdown(source: string): string {
  return filter.process(marked.parse(source) as string);
}

/** Plain text of a Markdown source (for excerpts and RDF literals). */
export function markdownToText(source: string): string {
  return renderMarkdown(source)
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}
