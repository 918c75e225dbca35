import { useCallback, useState } from 'react';
import { Link } from 'react-router-dom';
import { seg } from '../../api/client';
import { useAction } from '../../api/hooks';
import { useDatasetActions, type JobView, type ResourceCreated, type ResourceView } from '../../api/data';
import { ErrorAlert } from '../../ui/Messages';
import { useI18n } from '../../i18n/I18nProvider';
import { formatBytes, formatNumber } from '../format';
import { downloadUrl, explorerPath } from '../paths';
import { Disclosure } from './Disclosure';
import { ImportReport } from './ImportReport';
import { JobProgress } from './JobProgress';
import { NewVersionForm } from './NewVersionForm';
import { RowTitleSetting } from './RowTitleSetting';
import { SchemaReview } from './SchemaReview';
import { VersionsList } from './VersionsList';

interface Props {
  slug: string;
  resource: ResourceView;
  canEdit: boolean;
  /** Open the editor panels (schema review) by default. */
  expandTools: boolean;
  /** Called when an import finished: the dataset is re-read. */
  onChanged: () => void;
  /** Job started on this page (upload, new version, schema change) — announced when done. */
  startedJob?: JobView | null;
  /** A community resource the viewer may remove (its owner, or an editor of the dataset): called once removed. */
  onRemoved?: (resource: ResourceView) => void;
}

export function ResourceCard({ slug, resource, canEdit, expandTools, onChanged, startedJob, onRemoved }: Props) {
  const { t, lang } = useI18n();
  const removal = useAction();
  const datasets = useDatasetActions();
  const remove = async () => {
    if (!window.confirm(t('data.community.removeConfirm', { title: resource.title }))) return;
    const outcome = await removal.run(() => datasets.removeCommunityResource(slug, resource.id));
    if (outcome.ok) onRemoved?.(resource);
  };
  const [localJob, setLocalJob] = useState<JobView | null>(startedJob ?? null);
  const [formKey, setFormKey] = useState(0);
  const latest = resource.latestJob;
  const job = localJob && (!latest || localJob.createdAt >= latest.createdAt) ? localJob : latest;
  const version = resource.currentVersion;
  const headingId = `resource-${resource.id}`;
  const onDone = useCallback(() => onChanged(), [onChanged]);

  const started = (created: ResourceCreated) => {
    if (created.job) setLocalJob(created.job);
    setFormKey((k) => k + 1);
    if (!created.job) onChanged();
  };

  const report = job && job.status === 'failed' && job.report ? job.report : (version?.report ?? null);
  const reportJobId = job && (job.status === 'failed' ? job.id : job.versionId === version?.id ? job.id : null);

  return (
    <li className="card resource-card" aria-labelledby={headingId}>
      <div className="resource-card__head">
        <h3 id={headingId} className="card__title" tabIndex={-1}>
          {resource.title}
        </h3>
        {resource.format && <span className="format-badge">{resource.format.toUpperCase()}</span>}
        {resource.community && <span className="badge badge--community">{t('data.community.badge')}</span>}
      </div>
      {resource.community && resource.owner && (
        <p className="small muted">
          {t('data.community.sharedBy')} <Link to={`/users/${seg(resource.owner.handle)}`}>{resource.owner.name}</Link>
        </p>
      )}
      {resource.description && <p className="prewrap small">{resource.description}</p>}
      <ul className="inline-list small muted">
        {resource.kind === 'url' && resource.url && <li className="resource-card__url">{resource.url}</li>}
        {version?.byteSize != null && <li>{formatBytes(lang, version.byteSize)}</li>}
        {version?.rowCount != null && <li>{t('data.resource.rows', { count: version.rowCount })}</li>}
        {version && <li>{t('data.resource.version', { number: version.number })}</li>}
        <li>{t('data.metrics.downloads', { count: formatNumber(lang, resource.metrics.downloads) })}</li>
      </ul>

      {job && <JobProgress key={job.id} job={job} onDone={onDone} announce={job === localJob} />}

      <div className="actions">
        {(resource.kind === 'url' || version) && (
          <a
            className="button button--small"
            href={resource.kind === 'url' && resource.url ? resource.url : downloadUrl(slug, resource.id)}
            {...(resource.kind === 'url' ? { rel: 'noopener noreferrer nofollow' } : { download: '' })}
          >
            {resource.kind === 'url' ? t('data.resource.open') : t('data.resource.download')}
            <span className="visually-hidden"> {resource.title}</span>
          </a>
        )}
        {resource.tabular && (
          <Link className="button button--small button--secondary" to={explorerPath(slug, resource.id)}>
            {t('data.resource.explore')}
            <span className="visually-hidden"> {resource.title}</span>
          </Link>
        )}
        {onRemoved && (
          <button
            type="button"
            className="button button--small button--danger"
            disabled={removal.pending}
            onClick={() => void remove()}
          >
            {t('data.community.remove')}
            <span className="visually-hidden"> {resource.title}</span>
          </button>
        )}
      </div>
      <ErrorAlert error={removal.error} />

      {report && <ImportReport report={report} jobId={reportJobId} title={resource.title} />}

      {canEdit && resource.tabular && (
        <Disclosure label={t('data.schema.heading')} defaultOpen={expandTools}>
          <SchemaReview
            key={version?.id}
            slug={slug}
            resourceId={resource.id}
            title={resource.title}
            onApplied={started}
            threshold={resource.maxRejectedShare}
          />
        </Disclosure>
      )}
      {canEdit && resource.tabular && !resource.community && (
        <Disclosure label={t('data.rowTitle.heading')}>
          <RowTitleSetting slug={slug} resource={resource} onSaved={onChanged} />
        </Disclosure>
      )}
      {canEdit && resource.kind === 'file' && (
        <Disclosure label={t('data.upload.newVersion')}>
          <NewVersionForm
            key={formKey}
            slug={slug}
            resourceId={resource.id}
            onUploaded={started}
            community={resource.community}
            threshold={resource.maxRejectedShare}
          />
        </Disclosure>
      )}
      {resource.kind === 'file' && version && (
        <Disclosure label={t('data.versions.heading')}>
          <VersionsList key={version.id} slug={slug} resourceId={resource.id} title={resource.title} />
        </Disclosure>
      )}
    </li>
  );
}
