import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { applyDocumentLang, detectLang } from './i18n/lang';
import './styles.css';

// Set <html lang> before the first paint; I18nProvider keeps it in sync afterwards.
applyDocumentLang(detectLang());

const root = document.getElementById('root');
if (!root) throw new Error('Missing #root element');

createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
