import { useId } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { isLang, LANGS } from '../i18n/lang';

/** FR/EN switch; the accessible name is bilingual so everyone can find it. */
export function LanguageSwitch() {
  const { lang, setLang, t } = useI18n();
  const id = useId();
  return (
    <div className="lang-switch">
      <label htmlFor={id} className="visually-hidden">
        {t('lang.label')}
      </label>
      <select
        id={id}
        value={lang}
        onChange={(e) => {
          if (isLang(e.target.value)) setLang(e.target.value);
        }}
      >
        {LANGS.map((code) => (
          <option key={code} value={code} lang={code}>
            {code.toUpperCase()}
          </option>
        ))}
      </select>
    </div>
  );
}
