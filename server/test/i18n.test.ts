/** The web app's two dictionaries: the same keys and placeholders, and no key the app never asks for. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

type Message = string | { one: string; other: string };
type Dictionary = Record<string, Message>;

// Imported by a computed path: the web's sources follow the bundler's resolution, not this project's.
const i18n = (name: string) => `../../web/src/i18n/${name}.ts`;
const { en } = (await import(i18n('en'))) as { en: Dictionary };
const { fr } = (await import(i18n('fr'))) as { fr: Dictionary };

const webSrc = fileURLToPath(new URL('../../web/src', import.meta.url));

/** Left for the explorer and review work on another branch (issue 11, items 3 and 4): used there or removed. */
const PENDING = new Set(['data.explorer.rowActions', 'contrib.by', 'contrib.proposal.updated', 'contrib.queue.open']);

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name !== 'i18n') sources(path, out);
    } else if (/\.tsx?$/.test(name)) out.push(readFileSync(path, 'utf8'));
  }
  return out;
}

const placeholders = (m: Message) =>
  [...new Set((typeof m === 'string' ? m : `${m.one} ${m.other}`).match(/\{\w+\}/g) ?? [])].sort();

describe('the web dictionaries', () => {
  it('have the same keys in French and English, with the same placeholders and plural forms', () => {
    expect(Object.keys(fr).sort()).toEqual(Object.keys(en).sort());
    const differ = Object.keys(en).filter((key) => {
      const [a, b] = [en[key]!, fr[key]!];
      return typeof a !== typeof b || placeholders(a).join() !== placeholders(b).join();
    });
    expect(differ).toEqual([]);
  });

  it('hold no key the app never uses (literal keys, or a prefix completed at run time)', () => {
    const code = sources(webSrc).join('\n');
    // `t(\`dev.key.status.${status}\`)` and the like: every key under such a prefix counts as used.
    const prefixes = [...code.matchAll(/`([a-zA-Z][\w.:-]*\.)\$\{/g)].map((m) => m[1]!);
    const unused = Object.keys(en).filter(
      (key) =>
        !PENDING.has(key) &&
        !code.includes(`'${key}'`) &&
        !code.includes(`"${key}"`) &&
        !prefixes.some((p) => key.startsWith(p)),
    );
    expect(unused).toEqual([]);
    // The allowance for work in progress elsewhere stays honest: each entry is still a key.
    for (const key of PENDING) expect(Object.keys(en)).toContain(key);
  });
});
