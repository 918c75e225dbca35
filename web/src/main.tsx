import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './api/query';
import { App } from './App';
import { applyDocumentLang, detectLang } from './i18n/lang';
import './styles.css';

// Set <html lang> before the first paint; I18nProvider keeps it in sync afterwards.
applyDocumentLang(detectLang());

const root = document.getElementById('root');
if (!root) throw new Error('Missing #root element');

const queryClient = createQueryClient();

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <App />
    </QueryClientProvider>
  </StrictMode>,
);
