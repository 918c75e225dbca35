import { Link } from 'react-router-dom';
import type { PersonRef } from '../../api/community';
import { useT } from '../../i18n/I18nProvider';
import { profilePath } from '../../recognition/paths';

/** A person as a link to their profile ("deleted account" when gone). */
export function PersonName({ person }: { person: PersonRef }) {
  const t = useT();
  if (!person) return <span className="muted">{t('disc.unknownAuthor')}</span>;
  return <Link to={profilePath(person.handle)}>{person.name || `@${person.handle}`}</Link>;
}
