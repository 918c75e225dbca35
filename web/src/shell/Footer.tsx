import { Link } from 'react-router-dom';
import { useT } from '../i18n/I18nProvider';

export function Footer() {
  const t = useT();
  return (
    <footer className="site-footer">
      <div className="container">
        <p>
          <strong>{t('app.name')}</strong> — {t('app.tagline')}
        </p>
        <p className="muted">{t('footer.about')}</p>
        <p>
          <Link to="/services">{t('nav.services')}</Link> · <Link to="/transparency">{t('transparency.nav')}</Link> ·{' '}
          <Link to="/accountability">{t('commitments.nav')}</Link>
        </p>
      </div>
    </footer>
  );
}
