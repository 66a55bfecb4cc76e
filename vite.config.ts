/**
 * Build of the studio's renderer: one page for both hosts. `base: './'` keeps every asset URL
 * relative, so the same bundle loads from Electron's file:// and from the local web host.
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const fromHere = (path: string): string => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: fromHere('./app/renderer'),
  base: './',
  plugins: [react()],
  build: {
    outDir: fromHere('./dist/renderer'),
    emptyOutDir: true,
    // Chromium in Electron 45 and current browsers: no legacy transforms.
    target: 'es2023',
    sourcemap: true,
    chunkSizeWarningLimit: 1024,
  },
  worker: { format: 'es' },
  server: { strictPort: false },
});
