import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const WASM_DIR = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];
// LiteRT.js: only its threaded build (the engine uses it only with relaxed SIMD and
// shared memory), served from wasm/litert/ (src/engine/litert.ts loads it from there).
const LITERT_DIR = 'node_modules/@litertjs/core/wasm';
const LITERT_FILES = ['litert_wasm_threaded_internal.js', 'litert_wasm_threaded_internal.wasm'];

/**
 * Files served under fixed names: TF.js fetches its .wasm from wasm/ at run time, and
 * the manifest's icon. Emitted into the bundle (not copied afterwards) so that the
 * service worker's precache list sees them.
 */
function fixedFiles(): Plugin {
  return {
    name: 'fixed-files',
    apply: 'build',
    generateBundle() {
      for (const file of WASM_FILES) {
        this.emitFile({ type: 'asset', fileName: `wasm/${file}`, source: readFileSync(resolve(WASM_DIR, file)) });
      }
      for (const file of LITERT_FILES) {
        this.emitFile({ type: 'asset', fileName: `wasm/litert/${file}`, source: readFileSync(resolve(LITERT_DIR, file)) });
      }
      this.emitFile({ type: 'asset', fileName: 'icon.svg', source: readFileSync('assets/icon.svg') });
    },
  };
}

export default defineConfig({
  base: './',
  publicDir: false,
  plugins: [
    react(),
    fixedFiles(),
    // Offline: the service worker precaches the page, the engine, the wasm files and
    // the web models (static/models is part of the output folder), so after one visit
    // the page works with the network off.
    VitePWA({
      injectRegister: false, // registered from main.tsx: the CSP allows no inline script
      registerType: 'autoUpdate',
      manifest: {
        name: 'Denoiser — clean noisy photos on your device',
        short_name: 'Denoiser',
        description: 'Denoise photos in your browser. Nothing is uploaded.',
        start_url: '.',
        display: 'standalone',
        background_color: '#fafafa',
        theme_color: '#1a5fd0',
        icons: [{ src: 'icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' }],
      },
      workbox: {
        globPatterns: ['**/*.{html,js,css,wasm,json,bin,svg}'],
        // LiteRT.js (9.4 MB) is fetched only where its path is chosen, not by every
        // visitor: offline, the engine falls back to TF.js WASM.
        globIgnores: ['wasm/litert/**'],
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        cleanupOutdatedCaches: true,
      },
    }),
  ],
  worker: { format: 'es' },
  build: {
    outDir: 'static',
    emptyOutDir: false, // static/models is committed; scripts/clean-static.mjs clears the rest
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    rollupOptions: {
      // Two entry points, one engine: the page, and the widget under a fixed name.
      input: { main: resolve('index.html'), widget: resolve('src/widget/index.ts') },
      preserveEntrySignatures: 'exports-only',
      output: {
        entryFileNames: (chunk) => (chunk.name === 'widget' ? 'widget/denoise-widget.js' : 'assets/[name]-[hash].js'),
      },
    },
    // TF.js starts each WASM thread by re-evaluating its module factory's source text
    // (Function.prototype.toString) in a fresh worker; a minifier that renames the
    // names that source refers to breaks every thread ('e is not defined') and
    // leaves the backend on one thread.
    minify: false,
  },
});
