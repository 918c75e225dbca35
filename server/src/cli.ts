import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { loadConfig, logOriginOf, settings, type SettingKey } from './config.js';
import { openDatabase } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { buildApp } from './app.js';
import { createWitnessKey, rotateLogKey, verifyLog, VerifyError, witnessLog } from './ledger/index.js';
import { DEMO_EMAIL } from './platform/index.js';

const serverFlags = Object.fromEntries(settings.map((s) => [s.flag, { type: 'string' as const }]));

const help: Record<string, string> = {
  main: `Usage: multitude <command> [options]

Commands:
  serve          Start the server (migrates, seeds demo content on an empty database)
  migrate        Apply database migrations and exit
  admin create   Create a platform administrator (or promote an existing account)
  admin reset-password
                 Set a new password for an account (the demo user's, a lost one)
  seed-demo      Add the demo organization and user to the database
  log verify     Verify the transparency log of any Multitude instance
  log witness    Cosign another instance's log as a witness (C2SP tlog-cosignature)
  log rotate-key Start or finish the rotation of the log's signing key
  log witness-key
                 Create a witness key

Run "multitude <command> --help" for a command's options.`,
  serve: `Usage: multitude serve [options]

Start Multitude. Every option can also be set by its environment variable.

Options:
${settings.map((s) => `  --${s.flag.padEnd(16)} ${s.help} [${s.env}, default: ${s.default || 'none'}]`).join('\n')}
  --no-demo          Same as --demo 0
  -h, --help         Show this help`,
  migrate: `Usage: multitude migrate [--database-url URL] [--data-dir DIR]

Apply every pending database migration, then exit. The server also migrates at start.`,
  'admin create': `Usage: multitude admin create --email EMAIL [--handle HANDLE] [--name NAME] [--password PASSWORD]

Create a platform administrator. If an account with this email exists, it is promoted.
Without --password, a password is generated and printed once.
Also accepts --database-url and --data-dir.`,
  'log verify': `Usage: multitude log verify <base-url> [--key KEY] [--state FILE]

Verify the public transparency log of a Multitude instance from its tlog-tiles endpoints only:
check the checkpoint's signature against a pinned key, download every entry and hash tile,
recompute the tree, and prove that the checkpoint verified last time is a prefix of the new one.
Exits 0 when everything holds, 1 with a message on any mismatch, 2 on a usage error.

Options:
  --key KEY       The log's verifier key (name+hash+base64), from a source you trust; pinned in
                  the state file on first use (then optional)
  --state FILE    Where the last verified checkpoint of each log is kept
                  [default: ./.multitude-log-state.json]
  -h, --help      Show this help`,
  'log witness': `Usage: multitude log witness <base-url> --key-file FILE [--log-key KEY] [--state FILE]

Witness another Multitude instance's transparency log: verify it as "log verify" does (the
checkpoint signed by the pinned key, every entry and tile, and the checkpoint witnessed last time
a prefix of the new one), then cosign that checkpoint (C2SP tlog-cosignature) and hand the
cosignature to the instance, which publishes it with the checkpoint. Run it on a schedule.
The instance accepts cosignatures from the witness keys in its MULTITUDE_LOG_WITNESSES only.
Exits 0 when cosigned, 1 on any mismatch or refusal, 2 on a usage error.

Options:
  --key-file FILE The witness's private key (made by "multitude log witness-key")
  --log-key KEY   The log's verifier key, from a source you trust; pinned on first use
  --state FILE    Where the last witnessed checkpoint of each log is kept
                  [default: ./.multitude-witness-state.json]
  -h, --help      Show this help`,
  'log rotate-key': `Usage: multitude log rotate-key [--finish] [--data-dir DIR] [--base-url URL]

Rotate the transparency log's signing key without breaking verifiers. Without --finish, a new key
(log.next.key in the data directory) signs every checkpoint beside the current one from the next
start, and is served at /log/next-key so verifiers can pin it. With --finish, the new key becomes
the log's key (the old one is kept as log.key.retired-<time>). Restart the server after each step.

Options:
  --finish        End the rotation: keep only the new key
  --data-dir DIR  The server's data directory [MULTITUDE_DATA_DIR, default: ./.multitude]
  -h, --help      Show this help`,
  'log witness-key': `Usage: multitude log witness-key --name NAME --out FILE

Create an Ed25519 witness key (C2SP cosignature, type 0x04) named NAME (for example
witness.example.org), write its private key to FILE (readable by you only; never overwritten),
and print the verifier key to give the operators of the logs you witness
(their MULTITUDE_LOG_WITNESSES).

Options:
  --name NAME     The witness's name: no spaces, no plus sign
  --out FILE      Where to write the private key
  -h, --help      Show this help`,
  'admin reset-password': `Usage: multitude admin reset-password --email EMAIL [--password PASSWORD]

Set a new password for the account with this email and sign it out everywhere.
Without --password, a password is generated and printed once.
For the demo user: multitude admin reset-password --email ${DEMO_EMAIL}
Also accepts --database-url and --data-dir (the same as the server's).`,
  'seed-demo': `Usage: multitude seed-demo [--database-url URL] [--data-dir DIR]

Add the demo organization ("demo") and the demo user, and print the demo credentials.
Does nothing if the demo user already exists.`,
};

function configFrom(values: Record<string, unknown>) {
  const flags: Partial<Record<SettingKey, string>> = {};
  for (const s of settings) {
    const v = values[s.flag];
    if (typeof v === 'string') flags[s.key] = v;
  }
  if (values['no-demo']) flags.demo = '0';
  return loadConfig(process.env, flags);
}

async function seedDemo(multitude: Awaited<ReturnType<typeof buildApp>>, options: { force?: boolean } = {}) {
  const demo = await multitude.platform.seedDemo(options);
  if (demo) {
    await multitude.data.seedDemo(demo.actor, demo.organization);
    await multitude.apps.seedDemoReuses(demo.actor, demo.organization);
  }
  return demo;
}

/** Where the data lives, in words (never the database password). */
function describeDatabase(config: { databaseUrl?: string; dataDir: string }): string {
  if (!config.databaseUrl) return `SQLite, ${join(config.dataDir, 'multitude.db')}`;
  try {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL, ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}`;
  } catch {
    return 'PostgreSQL';
  }
}

type DemoCredentials = { email: string; password: string; organization: string } | undefined;

/**
 * The start banner, on the terminal rather than in the structured log (the log never holds passwords): where
 * to go, where the data is, and how to sign in — the demo credentials on the first start, and on later ones
 * how to get them back.
 */
function printBanner(
  config: { baseUrl: string; databaseUrl?: string; dataDir: string },
  demo: { created: DemoCredentials; exists: boolean },
  devMail = false,
) {
  const lines = [
    '',
    `  Multitude is running at ${config.baseUrl}`,
    `  Database: ${describeDatabase(config)}`,
    `  Files and secret key: ${config.dataDir}`,
    `  API reference: ${config.baseUrl}/api/docs`,
  ];
  if (demo.created) {
    lines.push(
      '',
      '  Demo content created: an organization, a user, the French communes, departments and regions',
      '  (imported in the background), and reuses built on them. Sign in at',
      `  ${config.baseUrl}/signin with`,
      `    email:    ${demo.created.email}`,
      `    password: ${demo.created.password}   (shown this once)`,
      `  Demo organization: ${config.baseUrl}/organizations/${demo.created.organization}`,
    );
  } else if (demo.exists) {
    lines.push(
      '',
      `  Demo user: ${DEMO_EMAIL} (its password was printed on the first start).`,
      `  Lost it? npx multitude admin reset-password --email ${DEMO_EMAIL}`,
    );
  }
  if (devMail)
    lines.push(
      '',
      `  Mail (sign-up confirmations, password resets) is kept at ${config.baseUrl}/dev/mail, readable from this machine only.`,
    );
  lines.push('', '  Stop with Ctrl+C. Logs follow; LOG_LEVEL=debug shows every request.', '');
  process.stdout.write(lines.join('\n') + '\n');
}

function printDemo(demo: DemoCredentials, baseUrl: string) {
  if (!demo) return;
  process.stdout.write(
    `\n  Demo content created: an organization, a user and the French communes, departments and regions (imported in the background), and reuses built on them.\n  Sign in at ${baseUrl}/signin with\n    email:    ${demo.email}\n    password: ${demo.password}\n  Demo organization: ${baseUrl}/organizations/${demo.organization}\n\n`,
  );
}

export async function main(argv = process.argv.slice(2)): Promise<number> {
  const [command, sub] = argv;
  const grouped = command === 'admin' || command === 'log';
  const commandName = grouped ? `${command} ${sub ?? ''}`.trim() : command;
  const rest = argv.slice(grouped ? 2 : 1);
  if (!command || command === '--help' || command === '-h' || command === 'help') {
    console.log(help.main);
    return command ? 0 : 1;
  }
  if (!commandName || !(commandName in help)) {
    console.error(`Unknown command: ${argv.join(' ')}\n\n${help.main}`);
    return 2;
  }
  if (commandName === 'log verify') return logVerify(rest);
  if (commandName === 'log witness') return logWitness(rest);
  if (commandName === 'log witness-key') return logWitnessKey(rest);
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: rest,
      options: {
        ...serverFlags,
        help: { type: 'boolean', short: 'h' },
        'no-demo': { type: 'boolean' },
        email: { type: 'string' },
        handle: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
        finish: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${help[commandName]}`);
    return 2;
  }
  if (values.help) {
    console.log(help[commandName]);
    return 0;
  }
  const config = configFrom(values);

  if (commandName === 'log rotate-key') {
    try {
      const key = rotateLogKey(config.dataDir, logOriginOf(config), values.finish === true);
      console.log(
        values.finish
          ? `Rotation finished: the log signs with ${key} alone from the next start; restart the server.`
          : `New key ${key} signs beside the current one from the next start (restart the server); it is served at /log/next-key. Tell verifiers to pin it, then run "multitude log rotate-key --finish".`,
      );
      return 0;
    } catch (error) {
      console.error(`Could not rotate the log key: ${error instanceof Error ? error.message : String(error)}`);
      return 1;
    }
  }

  if (commandName === 'migrate') {
    const db = openDatabase({ databaseUrl: config.databaseUrl, sqliteFile: join(config.dataDir, 'multitude.db') });
    try {
      const applied = await migrateToLatest(db);
      console.log(applied.length ? `Applied: ${applied.join(', ')}` : 'The database is up to date.');
    } finally {
      await db.close();
    }
    return 0;
  }

  if (commandName === 'serve') {
    const started = Date.now();
    const multitude = await buildApp({ config, startDispatcher: true });
    const created = config.demo ? await seedDemo(multitude) : undefined;
    const exists =
      !created && (await multitude.platform.accountStore.findByEmail(multitude.db.kysely, DEMO_EMAIL)) !== undefined;
    await multitude.app.listen({ port: config.port, host: config.host });
    printBanner(config, { created, exists }, config.devMail && !config.smtpUrl);
    multitude.app.log.info(
      { database: multitude.db.dialect, startupMs: Date.now() - started },
      `Multitude is ready on ${config.baseUrl}`,
    );
    let closing = false;
    const shutdown = (signal: string) => {
      if (closing) return;
      closing = true;
      const drainMs = Number(process.env.MULTITUDE_DRAIN_MS ?? 0) || 0;
      multitude.app.log.info({ signal, drainMs }, 'shutting down: /readyz fails, finishing requests in flight');
      multitude.drain(drainMs).then(
        () => process.exit(0),
        (error: unknown) => {
          console.error(error);
          process.exit(1);
        },
      );
    };
    process.once('SIGTERM', () => shutdown('SIGTERM'));
    process.once('SIGINT', () => shutdown('SIGINT'));
    return -1; // keep running
  }

  // Commands that use the services without serving HTTP.
  const multitude = await buildApp({ config: { ...config, logLevel: 'warn' } });
  try {
    if (commandName === 'admin create') {
      if (typeof values.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(values.email)) {
        console.error(`--email is required and must be an email address.\n\n${help['admin create']}`);
        return 2;
      }
      const handle = typeof values.handle === 'string' ? values.handle : undefined;
      if (handle && !/^[a-z0-9][a-z0-9-]{1,38}$/.test(handle)) {
        console.error('--handle must be 2–39 lowercase letters, digits or dashes.');
        return 2;
      }
      if (typeof values.password === 'string' && values.password.length < 10) {
        console.error('--password must have at least 10 characters.');
        return 2;
      }
      const result = await multitude.platform.accounts.createAdmin({
        email: values.email,
        handle,
        name: values.name as string | undefined,
        password: values.password as string | undefined,
      });
      console.log(
        result.created
          ? `Created administrator @${result.user.handle} <${result.user.email}>`
          : `Promoted @${result.user.handle} <${result.user.email}> to administrator`,
      );
      if (result.password) console.log(`Password (shown once): ${result.password}`);
      return 0;
    }
    if (commandName === 'admin reset-password') {
      if (typeof values.email !== 'string' || !/^[^@\s]+@[^@\s]+$/.test(values.email)) {
        console.error(`--email is required and must be an email address.\n\n${help['admin reset-password']}`);
        return 2;
      }
      if (typeof values.password === 'string' && values.password.length < 10) {
        console.error('--password must have at least 10 characters.');
        return 2;
      }
      const result = await multitude.platform.accounts.resetPasswordByOperator(
        values.email,
        values.password as string | undefined,
      );
      if (!result) {
        console.error(`No account has the email ${values.email}.`);
        return 1;
      }
      console.log(`New password set for @${result.user.handle} <${result.user.email}>; its sessions are signed out.`);
      if (values.password === undefined) console.log(`Password (shown once): ${result.password}`);
      return 0;
    }
    if (commandName === 'seed-demo') {
      const demo = await seedDemo(multitude, { force: true });
      await multitude.data.runner.drain();
      if (demo) printDemo(demo, config.baseUrl);
      else console.log('The demo content is already there.');
      return 0;
    }
    return 2;
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    return 1;
  } finally {
    await multitude.close();
  }
}

async function logVerify(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: { key: { type: 'string' }, state: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${help['log verify']}`);
    return 2;
  }
  if (parsed.values.help) {
    console.log(help['log verify']);
    return 0;
  }
  const [baseUrl, ...extra] = parsed.positionals;
  if (!baseUrl || extra.length > 0 || !/^https?:\/\//.test(baseUrl)) {
    console.error(`Give one base URL (http:// or https://).\n\n${help['log verify']}`);
    return 2;
  }
  try {
    const result = await verifyLog({
      baseUrl,
      key: parsed.values.key,
      stateFile: parsed.values.state ?? '.multitude-log-state.json',
    });
    const since =
      result.previousSize === undefined
        ? 'first verification, key pinned'
        : `consistent with size ${result.previousSize}`;
    console.log(`OK ${result.origin}: ${result.size} entries, root ${result.rootHash} (${since})`);
    return 0;
  } catch (error) {
    if (error instanceof VerifyError) {
      console.error(`Log verification FAILED: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

/** parseArgs with the command's help on a usage error; undefined after printing help or the error. */
function commandArgs(args: string[], name: string, options: Record<string, { type: 'string' | 'boolean' }>) {
  try {
    const parsed = parseArgs({
      args,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (parsed.values.help) {
      console.log(help[name]);
      return { done: 0 as const };
    }
    const values = parsed.values as Record<string, string | boolean | undefined>;
    return { parsed: { values, positionals: parsed.positionals } };
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${help[name]}`);
    return { done: 2 as const };
  }
}

async function logWitness(args: string[]): Promise<number> {
  const r = commandArgs(args, 'log witness', {
    'key-file': { type: 'string' },
    'log-key': { type: 'string' },
    state: { type: 'string' },
  });
  if (!r.parsed) return r.done;
  const { values, positionals } = r.parsed;
  const [baseUrl, ...extra] = positionals;
  const keyFile = values['key-file'];
  if (!baseUrl || extra.length > 0 || !/^https?:\/\//.test(baseUrl) || typeof keyFile !== 'string') {
    console.error(`Give one base URL (http:// or https://) and --key-file.\n\n${help['log witness']}`);
    return 2;
  }
  try {
    const result = await witnessLog({
      baseUrl,
      keyFile,
      logKey: typeof values['log-key'] === 'string' ? values['log-key'] : undefined,
      stateFile: typeof values.state === 'string' ? values.state : '.multitude-witness-state.json',
    });
    console.log(
      `Cosigned ${result.origin} at ${result.size} entries as ${result.witness}${result.added ? '' : ' (already cosigned)'}`,
    );
    return 0;
  } catch (error) {
    if (error instanceof VerifyError) {
      console.error(`Witnessing FAILED: ${error.message}`);
      return 1;
    }
    throw error;
  }
}

function logWitnessKey(args: string[]): number {
  const r = commandArgs(args, 'log witness-key', { name: { type: 'string' }, out: { type: 'string' } });
  if (!r.parsed) return r.done;
  const { name, out } = r.parsed.values;
  if (typeof name !== 'string' || typeof out !== 'string' || r.parsed.positionals.length > 0) {
    console.error(`Give --name and --out.\n\n${help['log witness-key']}`);
    return 2;
  }
  try {
    const key = createWitnessKey(name, out);
    console.log(`Private key written to ${out}. Verifier key (give it to the log's operator):\n${key}`);
    return 0;
  } catch (error) {
    console.error(`Could not create the key: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}
