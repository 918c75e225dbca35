import { useState } from 'react';
import { API_BASE } from '../../api/client';
import { useT } from '../../i18n/I18nProvider';
import { useCopy } from '../../ui/useCopy';
import { CopyField } from '../../ui/CopyField';
import { Tabs } from '../../ui/Tabs';

type Lang = 'curl' | 'js' | 'python';

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export function snippets(base: string, params: URLSearchParams) {
  const query = params.toString();
  const url = `${base}${query ? `?${query}` : ''}`;
  const pyParams = [...params].map(([k, v]) => `        ${JSON.stringify(k)}: ${JSON.stringify(v)},`).join('\n');
  return {
    url,
    curl: `curl -s ${shellQuote(url)}`,
    js: [
      `const response = await fetch(${JSON.stringify(url)});`,
      `if (!response.ok) throw new Error(\`HTTP \${response.status}\`);`,
      'const { rows, next } = await response.json();',
      'console.log(rows.length, "rows; next page:", next);',
    ].join('\n'),
    python: [
      'import requests',
      '',
      'response = requests.get(',
      `    ${JSON.stringify(base)},`,
      ...(pyParams ? ['    params={', pyParams, '    },'] : []),
      '    timeout=30,',
      ')',
      'response.raise_for_status()',
      'data = response.json()',
      'print(len(data["rows"]), "rows; next page:", data["next"])',
    ].join('\n'),
  };
}

/** curl / JavaScript / Python for the current view (absolute URL). */
export function ApiSnippet({ rowsPath, params }: { rowsPath: string; params: URLSearchParams }) {
  const t = useT();
  const [tab, setTab] = useState<Lang>('curl');
  const { state: copied, copy: copyText, reset: resetCopy } = useCopy();
  const s = snippets(`${window.location.origin}${API_BASE}${rowsPath}`, params);
  const code = tab === 'curl' ? s.curl : tab === 'js' ? s.js : s.python;
  const copy = () => copyText(code);
  return (
    <div className="api-snippet">
      <p className="small muted">{t('data.api.intro')}</p>
      <CopyField label={t('data.api.url')} value={s.url} />
      <Tabs
        label={t('data.api.tabs')}
        active={tab}
        onChange={(id) => {
          setTab(id);
          resetCopy();
        }}
        tabs={[
          { id: 'curl', label: 'curl' },
          { id: 'js', label: 'JavaScript' },
          { id: 'python', label: 'Python' },
        ]}
      >
        <pre className="code" tabIndex={0} aria-label={t('data.api.codeLabel')}>
          <code>{code}</code>
        </pre>
        <button type="button" className="button button--small button--secondary" onClick={() => void copy()}>
          {t('data.api.copy')}
        </button>
        <p role="status" className="small muted">
          {copied === 'copied' ? t('common.copied') : copied === 'failed' ? t('data.api.copyFailed') : ''}
        </p>
      </Tabs>
    </div>
  );
}
