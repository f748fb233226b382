// `npm run bench delivery` (or `node bench/delivery.bench.mjs [--no-build] [--json file]`): what
// delivering events costs the server, measured on the compiled SDK in luau-web like the specs:
// - real microseconds per event from PostHog:Flush until the queue is empty, transport stubbed;
// - Luau heap growth (gcinfo) and encoded bytes kept for 1,000 queued events;
// - durable delivery: real microseconds per event to store a queue at close and to pick it up again
//   (storage answering at once), and the emulated DataStore/MemoryStore requests for 1,000 events.
// The Luau half is src/__tests__/bench/deliveryBench.ts. Each part runs in a fresh VM.
// `--json file` writes the results there instead of printing them (bench/run.mjs's table).
import { buildTestPlace, runBenchParts, writeJsonIfAsked } from "./benchHarness.mjs";

const PARTS = ["flush", "memory", "durable"];

buildTestPlace();

const { meta, results } = await runBenchParts("the delivery benchmark", "deliveryBench", "runDeliveryBench", PARTS);
if (writeJsonIfAsked({ meta, results })) process.exit(0);

console.log(`Delivery benchmark (luau-web; median of ${meta.rounds} rounds of ${meta.eventsPerRound} events)`);
console.log(
	`  flush cost per event (Flush until sent, batches of 50, transport stubbed)  ${results.flush.toFixed(1).padStart(6)} µs`,
);
console.log(
	`  memory per 1,000 queued events: ${results.memory.gcinfoKilobytes.toFixed(0)} KB live Luau heap (gcinfo), ` +
		`${results.memory.encodedKilobytes.toFixed(0)} KB of it the encoded events`,
);
const durable = results.durable;
console.log(
	`  durable delivery, store at close / pick up (storage stubbed)  ${durable.storeMicros.toFixed(1)} / ${durable.pickupMicros.toFixed(1)} µs per event`,
);
console.log(
	`  durable delivery, 1,000 events stored and picked up: ${durable.dataStoreRequests} DataStore and ` +
		`${durable.memoryStoreRequests} MemoryStore requests, ${durable.storedBytesPerEvent.toFixed(0)} bytes stored per event`,
);
