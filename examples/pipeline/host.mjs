// Runs the pipeline example on Node.js (V8):
//
//   node examples/pipeline/host.mjs [DIR]     (default: .build/examples/pipeline)
//
// DIR holds what build.sh writes. Three runs, each checked against the
// producer's algorithm and the consumer's rules (pipeline.mjs):
//   - in turns, with the shared channel (producer.wasm, consumer.wasm);
//   - in turns, with an ordinary channel (*-unshared.wasm);
//   - on two threads: the producer in a worker, the consumer here, both
//     instances importing the one shared channel.
// Exits non-zero on the first mismatch.
import { readFile } from 'node:fs/promises';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import * as pipeline from './pipeline.mjs';

const THREADED_RECORDS = 100_000;

if (isMainThread) {
  await main();
} else {
  producerThread(workerData);
}

async function main() {
  const root = fileURLToPath(new URL('../..', import.meta.url));
  const dir = process.argv[2] ?? `${root}/.build/examples/pipeline`;
  const load = (name) => readFile(`${dir}/${name}`);
  try {
    for (const [label, suffix, shared] of [['shared', '', true], ['unshared', '-unshared', false]]) {
      const pair = await pipeline.instantiatePair(await load(`producer${suffix}.wasm`), await load(`consumer${suffix}.wasm`), { shared });
      console.log(`in turns, ${label} channel: ok: ${pipeline.runInTurns(pair, 20240601)}`);
    }
    console.log(`two threads: ok: ${await onTwoThreads(await load('producer.wasm'), await load('consumer.wasm'))}`);
  } catch (error) {
    console.error(`pipeline: ${error.message}`);
    process.exit(1);
  }
}

// The producer runs in a worker; this thread consumes at the same time.
async function onTwoThreads(producerBytes, consumerBytes) {
  const [producerModule, consumerModule] = await Promise.all([WebAssembly.compile(producerBytes), WebAssembly.compile(consumerBytes)]);
  const channel = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
  const seed = 0x123456789n;
  const worker = new Worker(new URL(import.meta.url), { workerData: { module: producerModule, channel, seed, total: THREADED_RECORDS } });
  const exited = new Promise((resolve, reject) => {
    worker.on('exit', resolve);
    worker.on('error', reject);
  });
  const consumer = await pipeline.instantiate(consumerModule, channel);
  // The worker says when it has described the channel (producer_init).
  await new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  let consumed = 0;
  while (consumed < THREADED_RECORDS) {
    const n = consumer.consumer_consume(29);
    pipeline.check(n >= 0, 'the channel is described');
    consumed += n;
  }
  const records = consumer.consumer_report();
  await exited;

  const sensors = new pipeline.Sensors(seed);
  const expected = new pipeline.Report();
  for (let i = 0; i < THREADED_RECORDS; i++) expected.take(sensors.nextRecord());
  const report = pipeline.Report.parse(new Uint8Array(channel.buffer).slice(pipeline.REPORT, pipeline.REPORT + pipeline.REPORT_SIZE));
  pipeline.check(records === THREADED_RECORDS, `two threads: consumer_report returned ${records}`);
  const differences = pipeline.reportDifferences(report, expected);
  pipeline.check(differences === '', `two threads: the report differs: ${differences}`);
  return `${THREADED_RECORDS} records, every one once, in order, intact`;
}

async function producerThread({ module, channel, seed, total }) {
  const producer = await pipeline.instantiate(module, channel);
  producer.producer_init(seed);
  parentPort.postMessage('described');
  // producer_produce writes what fits; a full ring means the consumer is behind.
  for (let produced = 0; produced < total;) produced += producer.producer_produce(Math.min(37, total - produced));
}
