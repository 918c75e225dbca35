import type { FastifyRequest } from 'fastify';
import type { FastifySwaggerUiOptions } from '@fastify/swagger-ui';

/**
 * The API reference at /api/docs: Swagger UI without its own top bar and logo, under the platform's name with a
 * link back to the site, in the platform's colours, with contrast and labels fixed so that it passes axe.
 */
export function apiDocsOptions(name: string): FastifySwaggerUiOptions {
  const favicon = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#1f4fd1"/><path d="M7 24V8h3.2L16 17l5.8-9H25v16h-3.2V13.8L16 22.6l-5.8-8.8V24z" fill="#fff"/></svg>`;
  return {
    routePrefix: '/api/docs',
    logo: null as never,
    uiConfig: {
      layout: 'BaseLayout',
      // Deep links put an <a> inside each operation's toggle button (axe: nested-interactive).
      deepLinking: false,
      // Tags start folded: 130 operations at once make a very long, slow page.
      docExpansion: 'none',
      filter: true,
      defaultModelsExpandDepth: 0,
      displayRequestDuration: true,
      tryItOutEnabled: false,
      // Plain white-on-dark examples: the highlighting themes have tokens under 4.5:1.
      syntaxHighlight: { activate: false },
    },
    theme: {
      title: `${name} — API reference`,
      favicon: [{ filename: 'favicon.svg', rel: 'icon', sizes: 'any', type: 'image/svg+xml', content: favicon }],
      css: [{ filename: 'multitude.css', content: DOCS_CSS }],
      js: [{ filename: 'multitude.js', content: docsScript(name) }],
    },
    // Try-it-out calls the server the reader is on (the document's `servers` names the configured base URL).
    transformSpecificationClone: true,
    transformSpecification: (spec: Readonly<Record<string, unknown>>, request: FastifyRequest) => ({
      ...spec,
      servers: [{ url: `${request.protocol}://${request.host}`, description: 'This server' }],
    }),
  };
}

/** The site header (name, link back, developer portal), bilingual from the site's stored language, and a11y fixes. */
function docsScript(name: string): string {
  return `(function () {
  var stored = null;
  try { stored = window.localStorage.getItem('mt_lang'); } catch (e) {}
  var lang = stored === 'fr' || stored === 'en' ? stored : (navigator.language || 'en').slice(0, 2) === 'fr' ? 'fr' : 'en';
  var words = lang === 'fr'
    ? { reference: 'Référence de l’API', back: 'Retour au site', portal: 'Portail développeurs', skip: 'Aller au contenu principal' }
    : { reference: 'API reference', back: 'Back to the site', portal: 'Developer portal', skip: 'Skip to main content' };
  var name = ${JSON.stringify(name)};
  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    for (var k in attrs) node.setAttribute(k, attrs[k]);
    if (text) node.textContent = text;
    return node;
  }
  function header() {
    var skip = el('a', { href: '#swagger-ui', class: 'mt-skip' }, words.skip);
    var bar = el('header', { class: 'mt-header' });
    var inner = el('div', { class: 'mt-header__inner' });
    var brand = el('a', { href: '/', class: 'mt-brand' });
    brand.appendChild(el('span', { class: 'mt-brand__mark', 'aria-hidden': 'true' }, 'M'));
    brand.appendChild(el('span', {}, name));
    var title = el('p', { class: 'mt-title' }, words.reference);
    var nav = el('nav', { 'aria-label': words.reference });
    var list = el('ul', {});
    var portal = el('li', {});
    portal.appendChild(el('a', { href: '/developers' }, words.portal));
    var back = el('li', {});
    back.appendChild(el('a', { href: '/' }, words.back));
    list.appendChild(portal);
    list.appendChild(back);
    nav.appendChild(list);
    inner.appendChild(brand);
    inner.appendChild(title);
    inner.appendChild(nav);
    bar.appendChild(inner);
    var root = document.getElementById('swagger-ui');
    var main = el('main', { id: 'swagger-main' });
    root.parentNode.insertBefore(main, root);
    main.appendChild(root);
    root.setAttribute('tabindex', '-1');
    document.body.insertBefore(bar, main);
    document.body.insertBefore(skip, bar);
  }
  // Swagger UI leaves some controls without a name: give them one as they appear.
  function label() {
    document.querySelectorAll('select:not([aria-label]):not([aria-labelledby])').forEach(function (s) {
      var cell = s.closest('tr');
      var param = cell && cell.querySelector('.parameter__name');
      var text = param ? param.textContent.replace('*', '').trim() : s.closest('.servers') ? 'Server' : s.closest('.content-type-wrapper, .body-param-content-type') ? 'Media type' : 'Choice';
      s.setAttribute('aria-label', text);
    });
    document.querySelectorAll('textarea:not([aria-label]), input:not([aria-label]):not([type=hidden])').forEach(function (i) {
      if (i.labels && i.labels.length) return;
      var cell = i.closest('tr');
      var param = cell && cell.querySelector('.parameter__name');
      i.setAttribute('aria-label', param ? param.textContent.replace('*', '').trim() : i.getAttribute('placeholder') || 'Value');
    });
    document.querySelectorAll('button:not([aria-label])').forEach(function (b) {
      if (b.textContent.trim()) return;
      var title = b.getAttribute('title');
      var copy = b.closest('.copy-to-clipboard');
      b.setAttribute('aria-label', title || (copy ? copy.getAttribute('title') || 'Copy to clipboard' : 'Expand'));
    });
  }
  document.documentElement.lang = 'en';
  header();
  new MutationObserver(label).observe(document.getElementById('swagger-ui'), { childList: true, subtree: true });
})();
`;
}

/** Swagger UI in the site's look, with text colours at 4.5:1 or more. */
const DOCS_CSS = `
:root { --accent: #1f4fd1; --text: #1b1f29; --muted: #4b5263; --border: #c9cedb; }
body { margin: 0; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Noto Sans', sans-serif; color: var(--text); }
.mt-skip { position: absolute; left: -999px; top: 0; background: #fff; padding: 0.5rem 1rem; z-index: 10; }
.mt-skip:focus { left: 1rem; }
.mt-header { border-top: 4px solid var(--accent); border-bottom: 1px solid var(--border); background: #fff; }
.mt-header__inner { max-width: 1460px; margin: 0 auto; padding: 0.75rem 20px; display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1.5rem; }
.mt-brand { display: inline-flex; align-items: center; gap: 0.5rem; font-weight: 700; font-size: 1.25rem; color: var(--text); text-decoration: none; }
.mt-brand__mark { display: inline-grid; place-items: center; width: 2rem; height: 2rem; border-radius: 6px; background: var(--accent); color: #fff; }
.mt-title { margin: 0; color: var(--muted); font-weight: 600; }
.mt-header nav { margin-left: auto; }
.mt-header ul { list-style: none; display: flex; gap: 1.25rem; margin: 0; padding: 0; }
.mt-header nav a { color: var(--accent); font-weight: 600; }
a:focus-visible, button:focus-visible, select:focus-visible, input:focus-visible, textarea:focus-visible, .opblock-summary:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
.swagger-ui, .swagger-ui .info .title, .swagger-ui .opblock-tag, .swagger-ui .opblock .opblock-summary-description,
.swagger-ui .opblock .opblock-summary-path, .swagger-ui .parameter__name, .swagger-ui table thead tr th, .swagger-ui .response-col_status,
.swagger-ui .tab li, .swagger-ui .opblock-description-wrapper p, .swagger-ui .markdown p, .swagger-ui .renderedMarkdown p,
.swagger-ui label, .swagger-ui .btn, .swagger-ui .model-title, .swagger-ui .servers-title { color: var(--text); font-family: inherit; }
.swagger-ui .info a, .swagger-ui a.nostyle, .swagger-ui .info .link { color: var(--accent); }
.swagger-ui .parameter__in, .swagger-ui .parameter__type, .swagger-ui .prop-format, .swagger-ui .response-col_links,
.swagger-ui .opblock-summary-operation-id, .swagger-ui .model .property.primitive, .swagger-ui .parameter__deprecated,
.swagger-ui .info .base-url, .swagger-ui .model-hint, .swagger-ui .tab li:first-of-type::after { color: var(--muted); }
.swagger-ui .parameter__name.required span, .swagger-ui .parameter__name.required::after { color: #b3261e; }
.swagger-ui .opblock .opblock-summary-method { color: #fff; text-shadow: none; min-width: 5rem; }
.swagger-ui .opblock.opblock-get .opblock-summary-method { background: #1f4fd1; }
.swagger-ui .opblock.opblock-post .opblock-summary-method { background: #1d6b35; }
.swagger-ui .opblock.opblock-put .opblock-summary-method { background: #7a4b00; }
.swagger-ui .opblock.opblock-patch .opblock-summary-method { background: #0f6b6b; }
.swagger-ui .opblock.opblock-delete .opblock-summary-method { background: #b3261e; }
.swagger-ui .opblock.opblock-head .opblock-summary-method, .swagger-ui .opblock.opblock-options .opblock-summary-method { background: #5b3c99; }
.swagger-ui .opblock .opblock-section-header h4, .swagger-ui .opblock-tag small, .swagger-ui .response-control-media-type__title { color: var(--text); }
.swagger-ui .btn.execute { background: var(--accent); border-color: var(--accent); color: #fff; }
.swagger-ui .btn.cancel { color: #b3261e; border-color: #b3261e; }
.swagger-ui .btn.authorize { color: #1d6b35; border-color: #1d6b35; }
.swagger-ui .btn.authorize svg { fill: #1d6b35; }
.swagger-ui .response-control-media-type--accept-controller select { border-color: #1d6b35; }
.swagger-ui .loading-container .loading::after { color: var(--text); }
.swagger-ui .info .title small { background: #4b5263; }
.swagger-ui .info .title small.version-stamp { background: #1d6b35; }
.swagger-ui .info .title small pre { color: #fff; }
.swagger-ui .microlight, .swagger-ui .microlight span { color: #f4f6fa !important; }
.swagger-ui .microlight { background: #1b1f29 !important; }
.swagger-ui .download-contents { background: #4b5263; color: #fff; }
.swagger-ui .scheme-container { box-shadow: none; border-bottom: 1px solid var(--border); }
`;
