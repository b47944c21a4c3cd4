// Runs the pipeline example in a browser and reports the outcome to the
// server that served the page: POST /result (with the page's query, which
// tells tests/browser/run.py which run it is) {"ok": ..., "detail": "one line"}.
// The checks are pipeline.mjs's, the same as Node.js's host.mjs.
import { instantiatePair, runInTurns } from '../pipeline.mjs';

// A shared WebAssembly.Memory needs a cross-origin isolated page (the
// server sends COOP and COEP headers); elsewhere the page uses the modules
// built for an ordinary channel, called in turn all the same.
const shared = globalThis.crossOriginIsolated === true;

async function fetchModule(name) {
  const response = await fetch(new URL(`/.build/examples/pipeline/${name}`, location.href));
  if (!response.ok) throw new Error(`${name}: HTTP ${response.status} (run examples/pipeline/build.sh)`);
  return new Uint8Array(await response.arrayBuffer());
}

async function run() {
  const suffix = shared ? '' : '-unshared';
  const [producer, consumer] = await Promise.all([fetchModule(`producer${suffix}.wasm`), fetchModule(`consumer${suffix}.wasm`)]);
  const pair = await instantiatePair(producer, consumer, { shared });
  return `in turns, ${shared ? 'shared' : 'unshared'} channel: ${runInTurns(pair, 20240601)}`;
}

let result;
try {
  result = { ok: true, detail: await run() };
} catch (error) {
  result = { ok: false, detail: String(error?.message ?? error).replaceAll('\n', ' | ') };
}
const outcome = document.getElementById('outcome');
outcome.textContent = result.ok ? 'ok' : 'failed';
outcome.className = result.ok ? 'ok' : 'failed';
document.getElementById('detail').textContent = result.detail;
try {
  await fetch(new URL(`/result${location.search}`, location.href), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(result),
  });
} catch {
  // Served by a plain file server: the page itself shows the outcome.
}
