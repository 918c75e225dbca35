// A benchmark's signed-in user: registers over HTTP and returns the headers a browser would send after it
// (session cookie and CSRF token), for the JSON calls that set up a scenario.
export interface BenchUser {
  email: string;
  password: string;
  handle: string;
  name: string;
}

export async function registerBenchUser(base: string, user: BenchUser) {
  const res = await fetch(`${base}/api/v1/auth/register`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(user),
  });
  if (!res.ok) throw new Error(`registering ${user.handle} answered ${res.status}: ${await res.text()}`);
  const cookie = res.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const csrf = /mt_csrf=([^;]+)/.exec(cookie)![1]!;
  return { cookie, csrf, headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrf } };
}
