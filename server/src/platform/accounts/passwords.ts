/**
 * Password rules beyond length: not one of the 100,000 most common (breached) passwords — a list shipped with the
 * server (server/assets/common-passwords.txt.gz, read once, no network) — and not built from the account's own
 * handle or email. `passwordProblem` returns the reason to show, or undefined.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

// Same path from src/ (tests) and dist/ (the build): server/assets beside both.
const LIST = new URL('../../../assets/common-passwords.txt.gz', import.meta.url);

let common: Set<string> | undefined;
function commonPasswords(): Set<string> {
  common ??= new Set(
    gunzipSync(readFileSync(LIST))
      .toString('utf8')
      .split('\n')
      .map((p) => p.toLowerCase()),
  );
  return common;
}

/** Why this password is refused for this account, or undefined when it is acceptable. */
export function passwordProblem(password: string, account: { email?: string; handle?: string }): string | undefined {
  const lower = password.toLowerCase();
  if (commonPasswords().has(lower))
    return 'This password is one of the most common (found in breached password lists): choose another';
  const email = account.email?.toLowerCase();
  const local = email?.split('@')[0];
  for (const own of [account.handle?.toLowerCase(), local, email])
    if (own && own.length >= 3 && lower.includes(own)) return 'The password must not contain your handle or email';
  return undefined;
}
