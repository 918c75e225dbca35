import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The Multitude server (Fastify) listens on :3000 in development.
const API_TARGET = 'http://localhost:3000';

// Paths served by the server rather than by the SPA. Regex keys so that
// e.g. "/developers" is not captured by "/dev".
const proxiedPaths = ['^/api(/|$)', '^/healthz$', '^/readyz$', '^/dev(/|$)', '^/catalog(/|$)'];

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
  },
  server: {
    port: 5173,
    proxy: Object.fromEntries(
      proxiedPaths.map((path) => [path, { target: API_TARGET, changeOrigin: false, xfwd: true }]),
    ),
  },
  preview: {
    port: 4173,
  },
});
