// The host's side of the pipeline example, for Node.js (host.mjs) and
// browsers (web/main.mjs): creates the channel memory, instantiates the
// producer and the consumer with it, drives them in turn and checks every
// record and every report against the producer's algorithm and the
// consumer's rules, written again here. A mismatch throws.

// The channel's layout (pipeline.h).
export const INFO = 64, HEAD = 128, TAIL = 192, REPORT = 256, REPORT_SIZE = 272, RING = 1024;
export const RECORD = 20, CAPACITY = 64, SENSORS = 8, BUCKETS = 16, MAGIC = 0x45504950;

export function check(condition, message) {
  if (!condition) throw new Error(message);
}

const sameBytes = (a, b) => a.length === b.length && a.every((x, i) => x === b[i]);
const slot = (recordNumber) => RING + (recordNumber % CAPACITY) * RECORD;

// FNV-1a of a record's first 16 bytes.
export function checksum(record) {
  let hash = 2166136261;
  for (let i = 0; i < 16; i++) hash = Math.imul(hash ^ record[i], 16777619) >>> 0;
  return hash;
}

// The producer's generator (producer.c): splitmix64 and random walks.
export class Sensors {
  constructor(seed) {
    this.random = BigInt.asUintN(64, BigInt(seed));
    this.sequence = 0;
    this.clock = 0;
    this.reading = Array.from({ length: SENSORS }, (_, s) => -1800 + 700 * s);
  }

  nextRandom() {
    this.random = BigInt.asUintN(64, this.random + 0x9e3779b97f4a7c15n);
    let z = this.random;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return z ^ (z >> 31n);
  }

  // The next record's bytes, laid out as struct record.
  nextRecord() {
    const r = this.nextRandom();
    const sensor = Number(r % BigInt(SENSORS));
    this.reading[sensor] += Number((r >> 8n) % 201n) - 100;
    this.clock += 1 + Number((r >> 16n) % 50n);
    const record = new Uint8Array(RECORD);
    const view = new DataView(record.buffer);
    view.setUint32(0, this.sequence++, true);
    view.setUint32(4, this.clock, true);
    view.setUint16(8, sensor, true);
    view.setInt32(12, this.reading[sensor], true);
    view.setUint32(16, checksum(record), true);
    return record;
  }
}

// struct pipeline_report, kept by consumer.c's rules.
export class Report {
  constructor() {
    this.records = 0;
    this.rejected = 0;
    this.sequenceErrors = 0;
    this.nextSequence = 0;
    this.sensors = Array.from({ length: SENSORS }, () => ({ sum: 0, count: 0, min: 0, max: 0, last: 0 }));
    this.histogram = new Array(BUCKETS).fill(0);
  }

  take(record) {
    const view = new DataView(record.buffer, record.byteOffset, RECORD);
    const sensor = view.getUint16(8, true);
    if (view.getUint32(16, true) !== checksum(record) || sensor >= SENSORS) {
      this.rejected++;
      this.nextSequence = (this.nextSequence + 1) >>> 0;
      return;
    }
    const sequence = view.getUint32(0, true);
    if (sequence !== this.nextSequence) this.sequenceErrors++;
    this.nextSequence = (sequence + 1) >>> 0;
    const value = view.getInt32(12, true);
    const t = this.sensors[sensor];
    if (t.count === 0 || value < t.min) t.min = value;
    if (t.count === 0 || value > t.max) t.max = value;
    t.last = value;
    t.sum += value;
    t.count++;
    // 2.5 °C buckets from 0 °C; colder in the first, warmer in the last.
    this.histogram[Math.min(Math.trunc(Math.max(value, 0) / 250), BUCKETS - 1)]++;
    this.records++;
  }

  static parse(bytes) {
    const view = new DataView(bytes.buffer, bytes.byteOffset, REPORT_SIZE);
    const report = new Report();
    report.records = view.getUint32(0, true);
    report.rejected = view.getUint32(4, true);
    report.sequenceErrors = view.getUint32(8, true);
    report.nextSequence = view.getUint32(12, true);
    report.sensors = report.sensors.map((_, s) => {
      const at = 16 + 24 * s;
      return {
        sum: Number(view.getBigInt64(at, true)),
        count: view.getUint32(at + 8, true),
        min: view.getInt32(at + 12, true),
        max: view.getInt32(at + 16, true),
        last: view.getInt32(at + 20, true),
      };
    });
    report.histogram = report.histogram.map((_, i) => view.getUint32(208 + 4 * i, true));
    return report;
  }
}

// The channel both modules import: their only import, exported by neither.
export function checkModule(module, name) {
  const imports = WebAssembly.Module.imports(module);
  check(imports.length === 1 && imports[0].module === 'env' && imports[0].name === 'channel' && imports[0].kind === 'memory',
    `${name}: imports ${JSON.stringify(imports)}, expected the channel only`);
  const memories = WebAssembly.Module.exports(module).filter((e) => e.kind === 'memory').map((e) => e.name);
  check(memories.length === 1 && memories[0] === 'memory', `${name}: exports memories ${memories}, expected memory 0 only`);
}

// Instantiates a module with the channel and runs its _initialize.
export async function instantiate(module, channel) {
  const instance = await WebAssembly.instantiate(module, { env: { channel } });
  instance.exports._initialize();
  return instance.exports;
}

// One channel (shared or not: it must match how the modules were built)
// and a producer and a consumer importing it.
export async function instantiatePair(producerBytes, consumerBytes, { shared }) {
  const [producerModule, consumerModule] = await Promise.all([WebAssembly.compile(producerBytes), WebAssembly.compile(consumerBytes)]);
  checkModule(producerModule, 'producer');
  checkModule(consumerModule, 'consumer');
  const channel = new WebAssembly.Memory({ initial: 1, maximum: 1, shared });
  return { channel, producer: await instantiate(producerModule, channel), consumer: await instantiate(consumerModule, channel) };
}

// The fields where two reports differ, e.g. "sensors.6.sum -507894
// (expected -507895)"; empty if none.
export function reportDifferences(actual, expected) {
  const fields = (value, name) => typeof value === 'object'
    ? Object.entries(value).flatMap(([key, v]) => fields(v, name ? `${name}.${key}` : key))
    : [[name, value]];
  const want = new Map(fields(expected, ''));
  return fields(actual, '').filter(([name, value]) => want.get(name) !== value)
    .map(([name, value]) => `${name} ${value} (expected ${want.get(name)})`).join(', ');
}

// (records asked of the producer, records the consumer may take) per round:
// first the consumer falls behind until the ring is full and the producer
// finds no room, then rounds of pseudo-random sizes wrap the ring many times.
function rounds() {
  const list = [[10, 100], [50, 20], [100, 0], [5, 0], [0, 30], [1000, 1000]];
  let x = 0x9e3779b9;
  for (let i = 0; i < 300; i++) {
    x = (x ^ (x << 13)) >>> 0;
    x = (x ^ (x >>> 17)) >>> 0;
    x = (x ^ (x << 5)) >>> 0;
    list.push([x % 90, (x >>> 8) % 90]);
  }
  return list;
}

// Damages two waiting records as a faulty writer would: a changed reading
// (the checksum no longer fits) and a sequence number 1000 ahead with a
// fitting checksum.
function tamper(bytes, firstWaiting) {
  bytes[slot(firstWaiting + 1) + 12] ^= 0x10;
  const skipped = new DataView(bytes.buffer, slot(firstWaiting + 3), RECORD);
  skipped.setUint32(0, skipped.getUint32(0, true) + 1000, true);
  skipped.setUint32(16, checksum(bytes.subarray(slot(firstWaiting + 3))), true);
}

// Drives the pair in turn, checking as it goes; returns a summary line.
export function runInTurns({ channel, producer, consumer }, seed) {
  const bytes = () => new Uint8Array(channel.buffer);
  const u32 = (at) => new DataView(channel.buffer).getUint32(at, true);
  const checkReport = (expected, when) => {
    const records = consumer.consumer_report();
    check(records === expected.records, `${when}: consumer_report returned ${records}, expected ${expected.records}`);
    const differences = reportDifferences(Report.parse(bytes().slice(REPORT, REPORT + REPORT_SIZE)), expected);
    check(differences === '', `${when}: the report differs: ${differences}`);
  };

  check(consumer.consumer_consume(10) === -1, 'the consumer waits until the producer has described the channel');
  producer.producer_init(BigInt(seed));
  const info = new Uint32Array(channel.buffer.slice(INFO, INFO + 16));
  check(sameBytes([...info], [MAGIC, 1, CAPACITY, RECORD]), `channel_info ${[...info]}`);

  const sensors = new Sensors(seed);
  const expected = new Report();
  let produced = 0, consumed = 0, foundFull = false;
  for (const [round, [ask, limit]] of rounds().entries()) {
    const room = CAPACITY - (produced - consumed);
    const written = producer.producer_produce(ask);
    check(written === Math.min(ask, room), `round ${round}: ${written} records written, expected ${Math.min(ask, room)}`);
    foundFull ||= ask > room;
    for (let i = produced; i < produced + written; i++) {
      check(sameBytes(bytes().slice(slot(i), slot(i) + RECORD), sensors.nextRecord()), `record ${i} is not what the producer's algorithm makes`);
    }
    produced += written;
    check(u32(HEAD) === produced, `round ${round}: head ${u32(HEAD)}, expected ${produced}`);
    if (round === 1) tamper(bytes(), consumed);

    const take = Math.min(limit, produced - consumed);
    for (let i = consumed; i < consumed + take; i++) expected.take(bytes().slice(slot(i), slot(i) + RECORD));
    const taken = consumer.consumer_consume(limit);
    check(taken === take, `round ${round}: ${taken} records taken, expected ${take}`);
    consumed += take;
    check(u32(TAIL) === consumed, `round ${round}: tail ${u32(TAIL)}, expected ${consumed}`);
    if (round % 50 === 0) checkReport(expected, `round ${round}`);
  }
  check(foundFull && produced > 20 * CAPACITY, `the ring filled up and wrapped around (${produced} records)`);
  check(expected.rejected === 1 && expected.sequenceErrors === 2, 'the tampered records count as the consumer\'s rules say');
  checkReport(expected, 'at the end');

  // Only the layout's parts are written in the channel, and the
  // generator's state is neither there nor in the producer's memory 0.
  const layout = [[INFO, 16], [HEAD, 4], [TAIL, 4], [REPORT, REPORT_SIZE], [RING, CAPACITY * RECORD]];
  const all = bytes();
  for (let at = 0; at < all.length; at++) {
    if (all[at] !== 0 && !layout.some(([start, length]) => at >= start && at < start + length)) {
      throw new Error(`byte ${at} of the channel is outside the layout`);
    }
  }
  const state = new Uint8Array(new BigUint64Array([sensors.random]).buffer);
  for (const [name, memory] of [['the channel', all], ["the producer's memory 0", new Uint8Array(producer.memory.buffer)]]) {
    for (let at = 0; at + 8 <= memory.length; at++) {
      check(!sameBytes(memory.subarray(at, at + 8), state), `the generator state is in ${name} at ${at}`);
    }
  }
  return `${produced} records through a ring of ${CAPACITY}, ${expected.records} aggregated, ` +
    `${expected.rejected} rejected, ${expected.sequenceErrors} sequence errors (from the 2 tampered records)`;
}
