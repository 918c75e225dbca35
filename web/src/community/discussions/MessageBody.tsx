import { useMemo, type MouseEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { useT } from '../../i18n/I18nProvider';
import { linkMentions } from './mentions';

/**
 * A message body: server-rendered, sanitized HTML with `@handle` mentions
 * linked to profiles (client-side navigation). Hidden content shows the
 * moderation reason instead.
 */
export function MessageBody({ html, hidden }: { html: string; hidden: string | null }) {
  const t = useT();
  const navigate = useNavigate();
  const linked = useMemo(() => linkMentions(html), [html]);
  if (hidden !== null) return <p className="moderated">{t('disc.hidden', { reason: hidden })}</p>;

  const onClick = (e: MouseEvent<HTMLDivElement>) => {
    const a = (e.target as HTMLElement).closest('a.mention');
    if (!a || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(a.getAttribute('href') ?? '/');
  };
  // The server sanitizes bodyHtml; linkMentions only adds <a class="mention"> around text.
  return <div className="prose message__body" onClick={onClick} dangerouslySetInnerHTML={{ __html: linked }} />;
}
