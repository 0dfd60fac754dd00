import { copyFileSync, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** TF.js fetches its .wasm at run time from wasm/ beside the page; copy them there. */
function tfjsWasm(): Plugin {
  return {
    name: 'tfjs-wasm-files',
    apply: 'build',
    writeBundle(options) {
      const out = resolve(options.dir ?? 'static', 'wasm');
      mkdirSync(out, { recursive: true });
      for (const file of WASM_FILES) {
        copyFileSync(resolve('node_modules/@tensorflow/tfjs-backend-wasm/dist', file), resolve(out, file));
      }
    },
  };
}

export default defineConfig({
  base: './',
  publicDir: false,
  plugins: [react(), tfjsWasm()],
  worker: { format: 'es' },
  build: {
    outDir: 'static',
    emptyOutDir: false, // static/models is committed; scripts/clean-static.mjs clears the rest
    target: 'es2022',
    chunkSizeWarningLimit: 4096,
    // TF.js starts each WASM thread by re-evaluating its module factory's source text
    // (Function.prototype.toString) in a fresh worker; a minifier that renames the
    // names that source refers to breaks every thread ('e is not defined') and
    // leaves the backend on one thread. Whitespace and syntax minification are safe.
    minify: false,
  },
});
