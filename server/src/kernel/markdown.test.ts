import { describe, expect, it } from 'vitest';
import { markdownToText, renderMarkdown } from './markdown.js';

describe('Markdown rendering', () => {
  it('renders formatting, lists, tables and links', () => {
    const html = renderMarkdown(
      '# Title\n\n**bold** and [a link](https://example.org)\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |',
    );
    expect(html).toContain('<strong>bold</strong>');
    expect(html).toContain('<a href="https://example.org" rel="nofollow ugc noopener">a link</a>');
    expect(html).toContain('<li>one</li>');
    expect(html).toContain('<table>');
  });

  it.each([
    ['<script>alert(1)</script>', /<script|alert\(1\)/],
    ['<img src=x onerror=alert(1)>', /onerror|<img/],
    ['[click](javascript:alert(1))', /javascript:/],
    ['<a href="javascript:alert(1)">x</a>', /javascript:/],
    ['<iframe src="https://evil.example"></iframe>', /<iframe/],
    ['<div style="background:url(javascript:alert(1))">x</div>', /style=|javascript:/],
    ['<svg onload=alert(1)>', /<svg|onload/],
  ])('neutralizes %s', (source, forbidden) => {
    expect(renderMarkdown(source)).not.toMatch(forbidden);
  });

  it('gives plain text for excerpts', () => {
    expect(markdownToText('## Données **ouvertes** & <b>libres</b>')).toBe('Données ouvertes & libres');
  });
});
