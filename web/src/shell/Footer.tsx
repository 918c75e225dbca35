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
      </div>
    </footer>
  );
}
