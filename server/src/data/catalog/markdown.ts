import { Lexer, type Token, type Tokens } from 'marked';

const ENTITIES: Record<string, string> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: '\u00a0',
  laquo: '«',
  raquo: '»',
  eacute: 'é',
  egrave: 'è',
  agrave: 'à',
  ccedil: 'ç',
};

function decodeEntities(s: string): string {
  return s.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (m, e: string) => {
    if (e[0] === '#') {
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    return ENTITIES[e.toLowerCase()] ?? m;
  });
}

const stripTags = (html: string): string =>
  html.replace(/<\/?[a-zA-Z][a-zA-Z0-9-]*(\s[^<>]*)?\/?>|<!--[\s\S]*?-->/g, '');

function inline(tokens: Token[] | undefined): string {
  let out = '';
  for (const t of tokens ?? []) {
    switch (t.type) {
      case 'html':
        out += stripTags(t.raw);
        break;
      case 'br':
        out += '\n';
        break;
      case 'image':
        out += (t as Tokens.Image).text;
        break;
      case 'codespan':
        out += (t as Tokens.Codespan).text;
        break;
      case 'escape':
        out += (t as Tokens.Escape).text;
        break;
      case 'text': {
        const tt = t as Tokens.Text;
        out += tt.tokens?.length ? inline(tt.tokens) : decodeEntities(tt.text);
        break;
      }
      default: {
        const withChildren = t as { tokens?: Token[]; text?: string };
        out += withChildren.tokens ? inline(withChildren.tokens) : decodeEntities(withChildren.text ?? t.raw);
      }
    }
  }
  return out;
}

function blocks(tokens: Token[], prefix = ''): string[] {
  const out: string[] = [];
  for (const t of tokens) {
    switch (t.type) {
      case 'space':
      case 'hr':
      case 'def':
        break;
      case 'heading':
      case 'paragraph':
        out.push(inline((t as Tokens.Heading).tokens));
        break;
      case 'text':
        out.push(inline((t as Tokens.Text).tokens ?? [t]));
        break;
      case 'code':
        out.push((t as Tokens.Code).text);
        break;
      case 'html': {
        const s = stripTags(t.raw).trim();
        if (s) out.push(decodeEntities(s));
        break;
      }
      case 'blockquote':
        out.push(...blocks((t as Tokens.Blockquote).tokens));
        break;
      case 'list': {
        const list = t as Tokens.List;
        const start = typeof list.start === 'number' ? list.start : 1;
        out.push(
          list.items
            .map(
              (item, i) =>
                `${prefix}${list.ordered ? `${start + i}.` : '-'} ${blocks(item.tokens, `${prefix}  `).join('\n').trim()}`,
            )
            .join('\n'),
        );
        break;
      }
      case 'table': {
        const table = t as Tokens.Table;
        const row = (cells: Tokens.TableCell[]) => cells.map((c) => inline(c.tokens)).join(' | ');
        out.push([row(table.header), ...table.rows.map(row)].join('\n'));
        break;
      }
      default:
        out.push(inline([t]));
    }
  }
  return out;
}

/** Markdown → readable plain text (for dct:description and schema.org description): no markup, paragraphs kept. */
export function markdownToPlainText(markdown: string): string {
  const text = blocks(Lexer.lex(markdown ?? ''))
    .map((b) => b.replace(/[ \t]+\n/g, '\n').trimEnd())
    .filter((b) => b.trim() !== '')
    .join('\n\n');
  return text.replace(/\n{3,}/g, '\n\n').trim();
}
