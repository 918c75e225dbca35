/** Most mentions one message may notify; further ones are ignored (mention spam). */
export const MAX_MENTIONS = 20;
/** Candidates looked up at most (a body full of made-up handles costs bounded lookups). */
const MAX_CANDIDATES = 50;

// A handle as accounts define it (2–39 lowercase letters, digits, dashes), after an @ that does not
// follow a word character, an @, a slash or a dot (emails, URLs, repeated @@).
const MENTION = /(?<![\w@/.-])@([a-z0-9][a-z0-9-]{1,38})(?![\w-])/gi;

/** Distinct lowercase handles mentioned in a Markdown body, in order of first appearance (code spans excluded). */
export function mentionedHandles(body: string): string[] {
  const text = body.replace(/```[\s\S]*?```/g, ' ').replace(/`[^`\n]*`/g, ' ');
  const out: string[] = [];
  for (const m of text.matchAll(MENTION)) {
    const handle = m[1]!.toLowerCase();
    if (!out.includes(handle)) out.push(handle);
    if (out.length >= MAX_CANDIDATES) break;
  }
  return out;
}
