import { useEffect, useState, type FormEvent } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useDataset } from '../api/data';
import {
  HARVEST_SOURCE_KINDS,
  useAddHarvestSource,
  useConfirmWithdrawals,
  useHarvestRecords,
  useHarvestRuns,
  useHarvestSources,
  useMirrorResource,
  useRunHarvest,
  type HarvestRun,
  type HarvestSource,
  type HarvestSourceKind,
} from '../api/federation';
import { useI18n } from '../i18n/I18nProvider';
import { RequireUser } from '../session/RequireUser';
import { useDocumentTitle } from '../shell/useDocumentTitle';
import { SelectField, TextField } from '../ui/Field';
import { ErrorAlert, Loading, StatusMessage, useErrorMessage } from '../ui/Messages';

/** A run's counts, what it skipped, and — for the source's latest run — the withdrawals it held back. */
function RunReport({ run, latest }: { run: HarvestRun; latest: boolean }) {
  const { t, formatDateTime } = useI18n();
  const confirm = useConfirmWithdrawals(run.sourceId);
  const [done, setDone] = useState(false);
  const withdraw = async () => {
    const result = await confirm.run({ params: { path: { id: run.id } } });
    if (result.ok) setDone(true);
  };
  return (
    <li className="card harvest-run">
      <p>
        <strong>{t(`harvest.status.${run.status}`)}</strong> · {t(`harvest.trigger.${run.trigger}`)} ·{' '}
        <time dateTime={run.createdAt}>{formatDateTime(run.createdAt)}</time>
      </p>
      {run.status === 'succeeded' && (
        <p>
          {t('harvest.run.counts', {
            created: run.created,
            updated: run.updated,
            unchanged: run.unchanged,
            withdrawn: run.withdrawn,
            errors: run.errors,
          })}
        </p>
      )}
      {run.error && <p className="notice notice--error">{run.error}</p>}
      {latest && run.report.heldWithdrawals > 0 && (
        <div className="notice notice--warning">
          <p>{t('harvest.run.held', { count: run.report.heldWithdrawals })}</p>
          <ErrorAlert error={confirm.error} />
          <p className="actions">
            <button type="button" className="button button--secondary" onClick={withdraw} disabled={confirm.pending}>
              {t('harvest.run.withdrawAnyway')}
            </button>
          </p>
        </div>
      )}
      <StatusMessage>{done ? t('harvest.run.withdrawDone') : ''}</StatusMessage>
      {(run.report.errors.length > 0 || run.report.skipped.length > 0) && (
        <details>
          <summary>{t('harvest.run.details', { pages: run.report.pages, records: run.report.records })}</summary>
          {run.report.skipped.length > 0 && (
            <>
              <h4>{t('harvest.run.skipped')}</h4>
              <ul>
                {run.report.skipped.map((s, i) => (
                  <li key={i}>{s}</li>
                ))}
              </ul>
            </>
          )}
          {run.report.errors.length > 0 && (
            <table className="table">
              <caption>{t('harvest.run.errors')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('harvest.run.sourceId')}</th>
                  <th scope="col">{t('harvest.run.message')}</th>
                </tr>
              </thead>
              <tbody>
                {run.report.errors.map((e, i) => (
                  <tr key={i}>
                    <td>
                      <code className="break">{e.sourceId}</code>
                    </td>
                    <td>{e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </details>
      )}
    </li>
  );
}

/** The link resources of one harvested dataset, each with "Mirror and import". */
function DatasetFiles({ slug }: { slug: string }) {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  const dataset = useDataset(slug);
  const mirror = useMirrorResource();
  const [status, setStatus] = useState('');
  const links = (dataset.data?.resources ?? []).filter((r) => r.kind === 'url' && !r.community);
  const run = async (id: string) => {
    setStatus('');
    const result = await mirror.run({ params: { path: { slug, id } } });
    if (result.ok) setStatus(t(result.value.jobId ? 'harvest.files.queued' : 'harvest.files.stored'));
  };
  if (dataset.loading && !dataset.data) return <Loading />;
  if (dataset.error) return <p className="notice notice--error">{errorMessage(dataset.error)}</p>;
  if (links.length === 0) return <p className="muted">{t('harvest.files.empty')}</p>;
  return (
    <>
      <p className="small muted">{t('harvest.files.hint')}</p>
      <ErrorAlert error={mirror.error} />
      <StatusMessage>{status}</StatusMessage>
      <ul>
        {links.map((r) => {
          const state = r.latestJob && r.latestJob.status !== 'succeeded' ? r.latestJob.status : null;
          return (
            <li key={r.id}>
              <a href={r.url ?? '#'}>{r.title}</a> {r.format && <span className="small muted">{r.format}</span>}{' '}
              {r.currentVersion && <span className="small">· {t('harvest.files.mirrored')}</span>}
              {state === 'failed' ? (
                <span className="small"> · {t('harvest.files.failed')}</span>
              ) : state ? (
                <span className="small"> · {t('harvest.files.importing')}</span>
              ) : null}{' '}
              <button
                type="button"
                className="button button--small button--secondary"
                onClick={() => void run(r.id)}
                disabled={mirror.pending}
                aria-label={t('harvest.files.mirrorLabel', { title: r.title })}
              >
                {t('harvest.files.mirror')}
              </button>
            </li>
          );
        })}
      </ul>
    </>
  );
}

/** The datasets a source filled, loaded when opened; each opens to its files. */
function HarvestedDatasets({ sourceId }: { sourceId: string }) {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  const [open, setOpen] = useState(false);
  const [openSlug, setOpenSlug] = useState<string | null>(null);
  const records = useHarvestRecords(sourceId, open);
  const items = records.data?.items ?? [];
  return (
    <details onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>{t('harvest.records.summary')}</summary>
      {!open ? null : records.loading && !records.data ? (
        <Loading />
      ) : records.error ? (
        <p className="notice notice--error">{errorMessage(records.error)}</p>
      ) : items.length === 0 ? (
        <p className="muted">{t('harvest.records.empty')}</p>
      ) : (
        <>
          {records.data && records.data.total > items.length && (
            <p className="small muted">
              {t('harvest.records.partial', { shown: items.length, total: records.data.total })}
            </p>
          )}
          <ul>
            {items.map((r) => (
              <li key={r.sourceRecordId}>
                {r.dataset ? (
                  <>
                    <Link to={`/datasets/${encodeURIComponent(r.dataset.slug)}`}>{r.dataset.title}</Link>
                    {r.state === 'withdrawn' && (
                      <span className="small muted"> · {t('harvest.records.withdrawn')}</span>
                    )}
                    {r.state === 'active' && (
                      <details
                        open={openSlug === r.dataset.slug}
                        onToggle={(e) => {
                          const slug = r.dataset!.slug;
                          const isOpen = e.currentTarget.open;
                          setOpenSlug((current) => (isOpen ? slug : current === slug ? null : current));
                        }}
                      >
                        <summary>{t('harvest.files.summary', { title: r.dataset.title })}</summary>
                        {openSlug === r.dataset.slug && <DatasetFiles slug={r.dataset.slug} />}
                      </details>
                    )}
                  </>
                ) : (
                  <code className="break">{r.sourceRecordId}</code>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </details>
  );
}

function SourceCard({ source }: { source: HarvestSource }) {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  // Polled while the latest run waits or runs, so its report appears when it ends.
  const [polling, setPolling] = useState(false);
  const runs = useHarvestRuns(source.id, polling ? 3000 : false);
  const latestStatus = runs.data?.items[0]?.status;
  const open = latestStatus === 'pending' || latestStatus === 'running';
  useEffect(() => setPolling(open), [open]);
  const runHarvest = useRunHarvest();
  const [status, setStatus] = useState('');
  const headingId = `source-${source.id}`;
  const items = runs.data?.items ?? [];

  const runNow = async () => {
    const result = await runHarvest.run({ params: { path: { id: source.id } } });
    if (result.ok) setStatus(t('harvest.queued'));
  };

  return (
    <li className="card" aria-labelledby={headingId}>
      <h3 id={headingId}>{source.name}</h3>
      <p className="small">
        {t(`harvest.kind.${source.kind}`)} · <code className="break">{source.url}</code>
      </p>
      <p className="small muted">
        {source.intervalMinutes ? t('harvest.every', { minutes: source.intervalMinutes }) : t('harvest.onDemand')}
        {source.webhook ? ` · ${t('harvest.webhookOn')}` : ''}
      </p>
      <ErrorAlert error={runHarvest.error} />
      <StatusMessage>{status}</StatusMessage>
      <p className="actions">
        <button type="button" className="button button--secondary" onClick={runNow} disabled={runHarvest.pending}>
          {t('harvest.runNow')}
        </button>
      </p>
      <HarvestedDatasets sourceId={source.id} />
      <h4>{t('harvest.runs')}</h4>
      {runs.loading && !runs.data ? (
        <Loading />
      ) : runs.error ? (
        <p className="notice notice--error">{errorMessage(runs.error)}</p>
      ) : items.length === 0 ? (
        <p className="muted">{t('harvest.noRuns')}</p>
      ) : (
        <ul className="card-list">
          {items.map((run, i) => (
            <RunReport key={run.id} run={run} latest={i === 0} />
          ))}
        </ul>
      )}
    </li>
  );
}

function AddSource({ slug }: { slug: string }) {
  const { t } = useI18n();
  const action = useAddHarvestSource();
  const [name, setName] = useState('');
  const [kind, setKind] = useState<HarvestSourceKind>('dcat');
  const [url, setUrl] = useState('');
  const [interval, setIntervalText] = useState('');

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    const result = await action.run({
      params: { path: { slug } },
      body: { name, kind, url, ...(interval ? { intervalMinutes: Number(interval) } : {}) },
    });
    if (result.ok) {
      setName('');
      setUrl('');
      setIntervalText('');
    }
  };

  return (
    <section className="panel" aria-labelledby="harvest-add-heading">
      <h2 id="harvest-add-heading">{t('harvest.add.heading')}</h2>
      <p>{t('harvest.add.lead')}</p>
      <form onSubmit={onSubmit} noValidate>
        <ErrorAlert error={action.error} shownFields={['name', 'url', 'kind', 'intervalMinutes']} />
        <TextField
          label={t('harvest.add.name')}
          value={name}
          onValueChange={setName}
          required
          maxLength={200}
          error={action.fieldErrors.name}
        />
        <SelectField
          label={t('harvest.add.kind')}
          value={kind}
          onValueChange={(v) => setKind(v as HarvestSourceKind)}
          options={HARVEST_SOURCE_KINDS.map((k) => ({ value: k, label: t(`harvest.kind.${k}`) }))}
          error={action.fieldErrors.kind}
        />
        <TextField
          label={t('harvest.add.url')}
          hint={t('harvest.add.urlHint')}
          type="url"
          value={url}
          onValueChange={setUrl}
          required
          maxLength={2000}
          error={action.fieldErrors.url}
        />
        <TextField
          label={t('harvest.add.interval')}
          hint={t('harvest.add.intervalHint')}
          type="number"
          min={15}
          value={interval}
          onValueChange={setIntervalText}
          error={action.fieldErrors.intervalMinutes}
        />
        <p className="actions">
          <button type="submit" className="button" disabled={action.pending}>
            {t('harvest.add.submit')}
          </button>
        </p>
      </form>
    </section>
  );
}

function Sources({ slug }: { slug: string }) {
  const { t } = useI18n();
  const errorMessage = useErrorMessage();
  const list = useHarvestSources(slug);
  const items = list.data?.items ?? [];
  return (
    <>
      <section className="panel" aria-labelledby="harvest-sources-heading" aria-busy={list.loading}>
        <h2 id="harvest-sources-heading">{t('harvest.sources')}</h2>
        {list.loading && !list.data ? (
          <Loading />
        ) : list.error ? (
          <p className="notice notice--error">{errorMessage(list.error)}</p>
        ) : items.length === 0 ? (
          <div className="empty-state">
            <p>{t('harvest.empty')}</p>
            <p className="muted">{t('harvest.emptyHint')}</p>
          </div>
        ) : (
          <ul className="card-list">
            {items.map((s) => (
              <SourceCard key={s.id} source={s} />
            ))}
          </ul>
        )}
      </section>
      {!list.error && <AddSource slug={slug} />}
    </>
  );
}

/** /organizations/:slug/harvest — the catalogs the organization harvests, their runs and reports. */
export function HarvestPage() {
  const { t } = useI18n();
  const { slug = '' } = useParams();
  useDocumentTitle(t('harvest.title'));
  return (
    <>
      <nav aria-label={t('dev.common.breadcrumb')} className="breadcrumb">
        <Link to={`/organizations/${encodeURIComponent(slug)}`}>{slug}</Link>
      </nav>
      <div className="page-heading">
        <h1>{t('harvest.heading')}</h1>
        <p className="lead">{t('harvest.lead')}</p>
      </div>
      <RequireUser>{() => <Sources key={slug} slug={slug} />}</RequireUser>
    </>
  );
}
