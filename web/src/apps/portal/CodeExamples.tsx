import { useState } from 'react';
import { useT } from '../../i18n/I18nProvider';
import { useCopy } from '../../ui/useCopy';
import { Tabs } from '../../ui/Tabs';

type Lang = 'curl' | 'fetch' | 'sdk' | 'python';

/** The same first call — list datasets with an API key — in curl, JavaScript (fetch and the SDK) and Python. */
export function examples(origin: string, key = 'mtk_…') {
  const url = `${origin}/api/v1/datasets?_limit=5`;
  return {
    curl: [`curl -s -H 'Authorization: Bearer ${key}' \\`, `  '${url}'`].join('\n'),
    fetch: [
      `const response = await fetch(${JSON.stringify(url)}, {`,
      `  headers: { Authorization: \`Bearer \${process.env.MULTITUDE_KEY}\` },`,
      '});',
      'if (!response.ok) throw new Error((await response.json()).detail);',
      'const { items } = await response.json();',
      'console.log(items.map((d) => d.title));',
    ].join('\n'),
    sdk: [
      '// npm install @multitude/sdk',
      "import { createClient } from '@multitude/sdk';",
      '',
      `const client = createClient({ baseUrl: ${JSON.stringify(origin)}, token: process.env.MULTITUDE_KEY });`,
      '// Pages are followed for you; 429 and 5xx answers are retried after Retry-After.',
      'for await (const dataset of client.datasets.list({ _q: "transport" })) {',
      '  console.log(dataset.title);',
      '}',
    ].join('\n'),
    python: [
      'import os, requests',
      '',
      'response = requests.get(',
      `    ${JSON.stringify(`${origin}/api/v1/datasets`)},`,
      '    params={"_limit": 5},',
      '    headers={"Authorization": f"Bearer {os.environ[\'MULTITUDE_KEY\']}"},',
      '    timeout=30,',
      ')',
      'response.raise_for_status()',
      'print([d["title"] for d in response.json()["items"]])',
    ].join('\n'),
  };
}

/** Tabs of copyable examples. */
export function CodeExamples({ origin, apiKey }: { origin: string; apiKey?: string }) {
  const t = useT();
  const [tab, setTab] = useState<Lang>('curl');
  const { state: copied, copy: copyText, reset: resetCopy } = useCopy();
  const code = examples(origin, apiKey)[tab];
  const copy = () => copyText(code);
  return (
    <div className="api-snippet">
      <Tabs
        label={t('dev.examples.tabs')}
        active={tab}
        onChange={(id) => {
          setTab(id);
          resetCopy();
        }}
        tabs={[
          { id: 'curl', label: 'curl' },
          { id: 'fetch', label: 'JavaScript (fetch)' },
          { id: 'sdk', label: 'JavaScript (SDK)' },
          { id: 'python', label: 'Python' },
        ]}
      >
        <pre className="code" tabIndex={0} aria-label={t('dev.examples.codeLabel')}>
          <code>{code}</code>
        </pre>
        <button type="button" className="button button--small button--secondary" onClick={() => void copy()}>
          {t('dev.examples.copy')}
        </button>
        <p role="status" className="small muted">
          {copied === 'copied' ? t('common.copied') : copied === 'failed' ? t('dev.examples.copyFailed') : ''}
        </p>
      </Tabs>
    </div>
  );
}
