/**
 * Turns `@handle` mentions in server-rendered (sanitized) HTML into links to
 * /users/{handle}. The server renders Markdown but leaves mentions as text.
 * Mirrors the server's rule: a handle after an @ that does not follow a word
 * character, an @, a slash, a dot or a dash; never inside links or code.
 */
const MENTION = /(?<![\w@/.-])@([a-z0-9][a-z0-9-]{1,38})(?![\w-])/gi;
const SKIP = new Set(['A', 'CODE', 'PRE', 'SCRIPT', 'STYLE']);

export function linkMentions(html: string): string {
  if (!html.includes('@') || typeof document === 'undefined') return html;
  const template = document.createElement('template');
  template.innerHTML = html;
  const walker = document.createTreeWalker(template.content, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    let skip = false;
    for (let p = node.parentElement; p; p = p.parentElement)
      if (SKIP.has(p.tagName)) {
        skip = true;
        break;
      }
    if (!skip && node.nodeValue?.includes('@')) texts.push(node as Text);
  }
  for (const text of texts) {
    const value = text.nodeValue ?? '';
    const parts = document.createDocumentFragment();
    let last = 0;
    for (const m of value.matchAll(MENTION)) {
      const start = m.index;
      if (start > last) parts.append(value.slice(last, start));
      const a = document.createElement('a');
      a.href = `/users/${encodeURIComponent(m[1]!.toLowerCase())}`;
      a.className = 'mention';
      a.textContent = m[0];
      parts.append(a);
      last = start + m[0].length;
    }
    if (last === 0) continue;
    if (last < value.length) parts.append(value.slice(last));
    text.replaceWith(parts);
  }
  return template.innerHTML;
}
