import { lazy, Suspense, useEffect, useState, type FormEvent } from 'react';
import { toApiError } from '../api/client';
import { log, useLogHistory, useLogWitnessed } from '../api/ledger';
import { useI18n } from '../i18n/I18nProvider';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { Loading, useErrorMessage } from '../ui/Messages';
import { openCheckpoint, toHex, verifyInclusion, type Checkpoint } from './verify';

const CountLineChart = lazy(() => import('../ui/CountLineChart'));

interface Found {
  index: number;
  eventId: string;
  entry: string;
}
interface Signed {
  note: string;
  key: string;
  checkpoint?: Checkpoint;
  error?: string;
}

async function text(path: string): Promise<string> {
  const res = await fetch(path, { credentials: 'omit' });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return res.text();
}

/** The latest checkpoint, its signature checked here with the published key. */
function useSignedCheckpoint(): Signed | undefined {
  const [signed, setSigned] = useState<Signed>();
  useEffect(() => {
    let live = true;
    (async () => {
      const [note, key] = await Promise.all([text('/log/checkpoint'), text('/log/key')]);
      try {
        const checkpoint = await openCheckpoint(note, key);
        if (live) setSigned({ note, key: key.trim(), checkpoint });
      } catch (err) {
        if (live) setSigned({ note, key: key.trim(), error: String((err as Error).message ?? err) });
      }
    })().catch((err: unknown) => live && setSigned({ note: '', key: '', error: String(err) }));
    return () => {
      live = false;
    };
  }, []);
  return signed;
}

/** The witnesses' cosignatures: of the latest checkpoint, or of the largest one they cosigned. */
function Witnesses({ size }: { size: number }) {
  const { t, formatDateTime } = useI18n();
  const witnessed = useLogWitnessed();
  if (witnessed.loading && !witnessed.data) return <>…</>;
  const w = witnessed.data;
  if (!w || w.witnesses.length === 0) return <>{t('transparency.checkpoint.noWitness')}</>;
  return (
    <>
      {w.size !== size && <p className="small">{t('transparency.checkpoint.witnessedAt', { count: w.size })}</p>}
      <ul>
        {w.witnesses.map((x) => (
          <li key={x.keyId}>
            <code>{x.name}</code> — <time dateTime={x.signedAt}>{formatDateTime(x.signedAt)}</time>
          </li>
        ))}
      </ul>
    </>
  );
}

function CheckpointPanel({ signed }: { signed: Signed | undefined }) {
  const { t } = useI18n();
  if (!signed) return <Loading />;
  const cp = signed.checkpoint;
  return (
    <section className="panel" aria-labelledby="checkpoint-heading">
      <h2 id="checkpoint-heading">{t('transparency.checkpoint.heading')}</h2>
      {cp ? (
        <p className="notice notice--success" role="status">
          {t('transparency.checkpoint.verified', { origin: cp.origin })}
        </p>
      ) : (
        <p className="notice notice--error" role="alert">
          {t('transparency.checkpoint.failed', { reason: signed.error ?? '' })}
        </p>
      )}
      {cp && (
        <dl className="data-access__facts">
          <dt>{t('transparency.checkpoint.origin')}</dt>
          <dd>
            <code>{cp.origin}</code>
          </dd>
          <dt>{t('transparency.checkpoint.size')}</dt>
          <dd>{t('transparency.checkpoint.entries', { count: cp.size })}</dd>
          <dt>{t('transparency.checkpoint.root')}</dt>
          <dd>
            <code className="break">{toHex(cp.rootHash)}</code>
          </dd>
          <dt>{t('transparency.checkpoint.witnesses')}</dt>
          <dd>
            <Witnesses size={cp.size} />
          </dd>
        </dl>
      )}
      <details>
        <summary>{t('transparency.checkpoint.note')}</summary>
        <pre className="break">{signed.note}</pre>
        <p>{t('transparency.checkpoint.key')}</p>
        <pre className="break">{signed.key}</pre>
      </details>
      <p>{t('transparency.checkpoint.cli')}</p>
      <pre className="break">
        <code>{`npx multitude log verify ${window.location.origin} --key "${signed.key}"`}</code>
      </pre>
    </section>
  );
}

function GrowthPanel() {
  const { t } = useI18n();
  const history = useLogHistory(90);
  const items = history.data?.items ?? [];
  return (
    <section className="panel" aria-labelledby="growth-heading">
      <h2 id="growth-heading">{t('transparency.growth.heading')}</h2>
      {history.loading && !history.data ? (
        <Loading />
      ) : items.length === 0 ? (
        <p className="empty-state">{t('transparency.growth.empty')}</p>
      ) : (
        <>
          <Suspense fallback={<Loading />}>
            <CountLineChart
              xs={items.map((i) => i.day)}
              counts={items.map((i) => i.size)}
              labels={{ x: t('transparency.growth.day'), count: t('transparency.growth.size') }}
              description={t('transparency.growth.description', {
                count: items[items.length - 1]!.size,
                from: items[0]!.day,
                to: items[items.length - 1]!.day,
              })}
            />
          </Suspense>
          <details>
            <summary>{t('transparency.growth.asTable')}</summary>
            <table>
              <caption className="visually-hidden">{t('transparency.growth.heading')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('transparency.growth.day')}</th>
                  <th scope="col">{t('transparency.growth.size')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((i) => (
                  <tr key={i.day}>
                    <td>{i.day}</td>
                    <td>{i.size}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        </>
      )}
    </section>
  );
}

function EntryResult({ found, signed }: { found: Found; signed: Signed | undefined }) {
  const { t, formatDateTime } = useI18n();
  const [outcome, setOutcome] = useState<{ ok: boolean; message: string }>();
  const parsed = JSON.parse(found.entry) as { type: string; occurredAt: string; subject: string | null };

  const verify = async () => {
    setOutcome(undefined);
    try {
      const inclusion = await log.entry(found.index);
      if (!inclusion.proof) throw new Error(t('transparency.entry.pending'));
      // The proof is against the checkpoint the answer names: check that one's signature too.
      const cp = await openCheckpoint(inclusion.checkpoint.note, signed?.key ?? (await text('/log/key')));
      await verifyInclusion(found.index, cp.size, found.entry, inclusion.proof, cp.rootHash);
      setOutcome({ ok: true, message: t('transparency.entry.verified', { index: found.index, count: cp.size }) });
    } catch (err) {
      setOutcome({ ok: false, message: t('transparency.entry.failed', { reason: toApiError(err).message }) });
    }
  };

  return (
    <li className="card">
      <p>
        <strong>#{found.index}</strong> · <code>{parsed.type}</code> ·{' '}
        <time dateTime={parsed.occurredAt}>{formatDateTime(parsed.occurredAt)}</time>
        {parsed.subject && (
          <>
            {' '}
            · <code>{parsed.subject}</code>
          </>
        )}
      </p>
      <details className="small">
        <summary>{t('transparency.entry.json')}</summary>
        <pre className="break">{found.entry}</pre>
      </details>
      <button type="button" className="button button--secondary" onClick={() => void verify()}>
        {t('transparency.entry.verify')}
      </button>
      <p role="status" className={outcome ? (outcome.ok ? 'notice notice--success' : 'notice notice--error') : ''}>
        {outcome?.message}
      </p>
    </li>
  );
}

function SearchPanel({ signed }: { signed: Signed | undefined }) {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  const [query, setQuery] = useState('');
  const [results, setResults] = useState<Found[]>();
  const [error, setError] = useState<string>();

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const q = query.trim();
    if (!q) return;
    setError(undefined);
    try {
      if (q.startsWith('evt_')) {
        const one = await log.event(q);
        setResults([{ index: one.index, eventId: one.eventId, entry: one.entry }]);
      } else {
        const list = await log.about(q);
        setResults(list.items);
      }
    } catch (err) {
      const apiError = toApiError(err);
      if (apiError.status === 404) setResults([]);
      else setError(errorMessage(apiError));
    }
  };

  return (
    <section className="panel" aria-labelledby="search-log-heading">
      <h2 id="search-log-heading">{t('transparency.search.heading')}</h2>
      <form className="inline-form" onSubmit={(e) => void onSubmit(e)} role="search">
        <label htmlFor="log-query">{t('transparency.search.label')}</label>
        <input
          id="log-query"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          aria-describedby="log-query-hint"
          maxLength={100}
        />
        <button type="submit" className="button">
          {t('transparency.search.submit')}
        </button>
      </form>
      <p id="log-query-hint" className="small muted">
        {t('transparency.search.hint')}
      </p>
      {error && <p className="notice notice--error">{error}</p>}
      {results &&
        (results.length === 0 ? (
          <p className="empty-state">{t('transparency.search.none')}</p>
        ) : (
          <ul className="card-list" aria-label={t('transparency.search.results')}>
            {results.map((r) => (
              <EntryResult key={r.index} found={r} signed={signed} />
            ))}
          </ul>
        ))}
    </section>
  );
}

/** /transparency — the public log: its signed checkpoint checked here, its growth, its entries and their proofs. */
export function TransparencyPage() {
  const { t } = useI18n();
  useDocumentTitle(t('transparency.title'));
  const signed = useSignedCheckpoint();
  return (
    <>
      <div className="page-heading">
        <h1>{t('transparency.heading')}</h1>
        <p className="lead">{t('transparency.lead')}</p>
      </div>
      <div className="stack">
        <CheckpointPanel signed={signed} />
        <SearchPanel signed={signed} />
        <GrowthPanel />
      </div>
    </>
  );
}
