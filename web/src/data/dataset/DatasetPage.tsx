import { useState } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { seg } from '../../api/client';
import { DatasetCredits } from '../../recognition/DatasetCredits';
import { Discussions } from '../../community/discussions/Discussions'; // Discussions & moderation
import { useDataset, type JobView, type ResourceCreated, type ResourceView } from '../../api/data';
import type { MessageKey } from '../../i18n/en';
import { useT, type Vars } from '../../i18n/I18nProvider';
import { useSession } from '../../session/SessionProvider';
import { useDocumentTitle } from '../../shell/useDocumentTitle';
import { Loading, StatusMessage, useErrorMessage } from '../../ui/Messages';
import { statusLabel } from '../labels';
import { AddResourceForm } from './AddResourceForm';
import { DatasetMetadata } from './DatasetMetadata';
import { Disclosure } from './Disclosure';
import { ResourceCard } from './ResourceCard';
import { UsedBy } from '../../apps/reuses/UsedBy'; // Reuses

export function DatasetPage() {
  const t = useT();
  const { slug = '' } = useParams();
  const location = useLocation();
  const errorMessage = useErrorMessage();
  const dataset = useDataset(slug);
  // Kept as a message key so it follows a language switch.
  const [status, setStatus] = useState<{ key: MessageKey; vars?: Vars } | null>(
    (location.state as { saved?: boolean } | null)?.saved ? { key: 'data.dataset.saved' } : null,
  );
  const [started, setStarted] = useState<Record<string, JobView>>({});
  const [addKey, setAddKey] = useState(0);
  const { user } = useSession();
  const data = dataset.data;
  const notFound = dataset.error?.status === 404;
  useDocumentTitle(data?.title ?? (notFound ? t('data.dataset.notFound') : t('data.dataset.loadingTitle')));

  if (!data) {
    return (
      <>
        <h1>{notFound ? t('data.dataset.notFound') : t('data.dataset.loadingTitle')}</h1>
        {dataset.loading ? (
          <Loading />
        ) : (
          <p className="notice notice--error">
            {notFound
              ? t('data.dataset.notFoundBody', { slug })
              : dataset.error
                ? errorMessage(dataset.error)
                : t('error.loadFailed')}
          </p>
        )}
        <p>
          <Link to="/datasets">{t('data.dataset.backToCatalog')}</Link>
        </p>
      </>
    );
  }

  const onAdded = (created: ResourceCreated) => {
    const resource = { ...created.resource, latestJob: created.job ?? created.resource.latestJob };
    const list = resource.community ? 'communityResources' : 'resources';
    if (created.job) setStarted((prev) => ({ ...prev, [resource.id]: created.job! }));
    dataset.setData((cur) => cur && { ...cur, [list]: [...cur[list].filter((r) => r.id !== resource.id), resource] });
    setStatus({
      key: created.job ? 'data.upload.uploadedImporting' : 'data.upload.added',
      vars: { title: resource.title },
    });
    setAddKey((k) => k + 1);
    requestAnimationFrame(() => document.getElementById(`resource-${resource.id}`)?.focus());
  };

  /** An import finished: the card announces it; re-read the dataset. */
  const onChanged = () => {
    setStatus(null);
    dataset.reload();
  };

  const tabularCount = data.resources.filter((r) => r.tabular).length;
  const onRemoved = (removed: ResourceView) => {
    dataset.setData(
      (cur) => cur && { ...cur, communityResources: cur.communityResources.filter((r) => r.id !== removed.id) },
    );
    setStatus({ key: 'data.community.removed', vars: { title: removed.title } });
  };
  const isOwner = (r: ResourceView) => !!user && r.owner?.handle === user.handle;
  // Members who do not edit a published dataset may share their own files and links on it.
  const canShare = !!user && !data.viewerCanEdit && data.status === 'published';

  return (
    <article className="dataset">
      <nav aria-label={t('data.breadcrumb')} className="breadcrumb small">
        <Link to="/datasets">{t('data.catalog.heading')}</Link>
      </nav>
      <div className="page-heading">
        <h1>{data.title}</h1>
        <p className="muted">
          {data.organization?.name ?? data.owner?.name ?? ''}
          {data.status !== 'published' && <span className="badge badge--draft">{statusLabel(t, data.status)}</span>}
        </p>
        {data.viewerCanEdit && (
          <p>
            <Link className="button button--secondary button--small" to={`/datasets/${seg(data.slug)}/edit`}>
              {t('data.dataset.edit')}
            </Link>
          </p>
        )}
      </div>
      <StatusMessage>{status ? t(status.key, status.vars) : null}</StatusMessage>

      <section aria-labelledby="dataset-about">
        <h2 id="dataset-about" className="visually-hidden">
          {t('data.dataset.about')}
        </h2>
        <DatasetMetadata dataset={data} />
        {data.descriptionHtml ? (
          <div className="prose" dangerouslySetInnerHTML={{ __html: data.descriptionHtml }} />
        ) : (
          <p className="muted">{t('data.dataset.noDescription')}</p>
        )}
      </section>

      <section aria-labelledby="dataset-resources" className="subpanel">
        <h2 id="dataset-resources">{t('data.dataset.resources')}</h2>
        {data.resources.length === 0 ? (
          <div className="empty-state">
            <p>{data.viewerCanEdit ? t('data.dataset.noResourcesEditor') : t('data.dataset.noResources')}</p>
          </div>
        ) : (
          <ul className="card-list">
            {data.resources.map((r) => (
              <ResourceCard
                key={r.id}
                slug={data.slug}
                resource={r}
                canEdit={data.viewerCanEdit}
                expandTools={tabularCount <= 2}
                onChanged={onChanged}
                startedJob={started[r.id] ?? null}
              />
            ))}
          </ul>
        )}
        {data.viewerCanEdit && (
          <Disclosure
            key={addKey}
            label={t('data.upload.add')}
            defaultOpen={data.resources.length === 0}
            className="add-resource-box"
          >
            <AddResourceForm key={addKey} slug={data.slug} onAdded={onAdded} />
          </Disclosure>
        )}
      </section>

      <section aria-labelledby="dataset-community-resources" className="subpanel">
        <h2 id="dataset-community-resources">{t('data.community.heading')}</h2>
        {data.communityResources.length === 0 ? (
          <div className="empty-state">
            <p>{t('data.community.empty')}</p>
          </div>
        ) : (
          <ul className="card-list">
            {data.communityResources.map((r) => (
              <ResourceCard
                key={r.id}
                slug={data.slug}
                resource={r}
                canEdit={isOwner(r)}
                expandTools={false}
                onChanged={onChanged}
                startedJob={started[r.id] ?? null}
                onRemoved={isOwner(r) || data.viewerCanEdit ? onRemoved : undefined}
              />
            ))}
          </ul>
        )}
        {canShare && (
          <Disclosure key={addKey} label={t('data.community.add')} className="add-resource-box">
            <p className="small muted">{t('data.community.addHint')}</p>
            <AddResourceForm key={addKey} slug={data.slug} onAdded={onAdded} community />
          </Disclosure>
        )}
        {!user && data.status === 'published' && (
          <p className="small">
            <Link to="/signin">{t('data.community.signInToShare')}</Link>
          </p>
        )}
      </section>

      <DatasetCredits slug={data.slug} organization={data.organization} />
      {data.status !== 'draft' && <UsedBy datasetSlug={data.slug} />}
      <Discussions kind="dataset" id={data.id} />
    </article>
  );
}
