// `npm run bench` (or `node bench/capture.bench.mjs [--no-build]`): what capturing costs the server,
// measured on the compiled SDK in luau-web inside the emulated engine, like the specs:
// - real microseconds per PostHog:Capture (median of rounds), also with the emulated natives stubbed;
// - bytes on the wire per event for a realistic event (10 properties), with and without gzip;
// - /batch/ requests for 10,000 events under the default config (flushAt 20, maxBatchSize 50,
//   flushIntervalSeconds 30, 60 requests a minute) at several capture rates (virtual clock).
// The Luau half is src/__tests__/bench/captureBench.ts. Each part runs in a fresh VM: parts stay
// independent, and one long-lived VM building dozens of worlds occasionally trips luau-web
// ("'setfenv' cannot change environment of given object" while requiring the SDK).
import { buildTestPlace, runBenchParts, writeJsonIfAsked } from "./benchHarness.mjs";

const PARTS = [
	"capture",
	"captureWithoutJson",
	"captureWithoutJsonAndGuid",
	"encode",
	"wire",
	"requests:2",
	"requests:20",
	"requests:35",
	"requests:50",
	"requests:200",
];

buildTestPlace();

const { meta, results } = await runBenchParts("the capture benchmark", "captureBench", "runCaptureBench", PARTS);

// `--json file` (bench/run.mjs's table): write the results there instead of printing them.
if (writeJsonIfAsked({ meta, results })) process.exit(0);

const us = (value) => `${value.toFixed(1).padStart(6)} µs`;
console.log(`Server capture benchmark (luau-web; median of ${meta.rounds} rounds of ${meta.callsPerRound} calls)`);
console.log("Server cost per PostHog:Capture(subject, name, 10 properties), real time:");
console.log(`  as shipped                                       ${us(results.capture)}`);
console.log(`  without JSONEncode (the event's encoding stubbed) ${us(results.captureWithoutJson)}`);
console.log(`  without JSONEncode and GenerateGUID              ${us(results.captureWithoutJsonAndGuid)}`);
console.log(`  (one emulated JSONEncode of the event alone)     ${us(results.encode)}`);
console.log(
	"  JSONEncode, GenerateGUID and gzip are native on Roblox but emulated here (JSONEncode in Luau; GUIDs\n" +
		"  and gzip in Node, across the VM boundary), and luau-web runs Luau without native code generation:\n" +
		"  these absolute figures overstate Roblox's cost. The stubbed rows are the SDK's own Luau.",
);
console.log("Bytes on the wire per event (realistic mixed events, 10 properties; gzip by Node's zlib, level 6):");
for (const size of [1, 20, 50]) {
	const plain = results.wire.find((row) => row.eventsPerBatch === size && !row.gzip);
	const gzip = results.wire.find((row) => row.eventsPerBatch === size && row.gzip);
	const label = `batch of ${size}`.padEnd(12);
	console.log(
		`  ${label} ${String(Math.round(plain.requestBytes / size)).padStart(5)} B/event plain, ` +
			`${String(Math.round(gzip.requestBytes / size)).padStart(5)} B/event gzip ` +
			`(${((100 * gzip.requestBytes) / plain.requestBytes).toFixed(0)} %; request ${plain.requestBytes} B -> ${gzip.requestBytes} B)`,
	);
}
console.log("/batch/ requests for 10,000 events, default config (flushAt 20, maxBatchSize 50, 30 s, 60 requests/min):");
for (const part of PARTS.filter((name) => name.startsWith("requests:"))) {
	const row = results[part];
	const rate = `${row.eventsPerSecond} events/s`.padEnd(15);
	console.log(
		`  ${rate} ${String(row.requests).padStart(4)} requests (${(row.sent / Math.max(row.requests, 1)).toFixed(1)} events each), ` +
			`${row.sent} sent, ${row.dropped} dropped (queue full), ${row.stored} stored and sent later, over ${row.minutes.toFixed(1)} min`,
	);
}
