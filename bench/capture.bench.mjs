// `npm run bench` (or `node bench/capture.bench.mjs [--no-build]`): what capturing costs the server,
// measured on the compiled SDK in luau-web inside the emulated engine, like the specs:
// - real microseconds per PostHog:Capture (median of rounds), also with the emulated natives stubbed;
// - bytes on the wire per event for a realistic event (10 properties), with and without gzip;
// - /batch/ requests for 10,000 events under the default config (flushAt 20, maxBatchSize 50,
//   flushIntervalSeconds 30, 60 requests a minute) at several capture rates (virtual clock).
// The Luau half is src/__tests__/bench/captureBench.ts. Each part runs in a fresh VM: parts stay
// independent, and one long-lived VM building dozens of worlds occasionally trips luau-web
// ("'setfenv' cannot change environment of given object" while requiring the SDK).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLuauVm, mountTree } from "../test/runner/luauVm.mjs";
import { fromProject } from "../test/runner/rojoTree.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const PART_LIMIT_MS = 5 * 60 * 1000;
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

if (!process.argv.includes("--no-build")) {
	execFileSync("npx", ["rbxtsc", "-p", "tsconfig.test.json", "--rojo", "test.project.json", "--type", "game"], {
		cwd: root,
		stdio: "inherit",
	});
}

/** Runs one part of src/__tests__/bench/captureBench.ts in a fresh VM; returns its decoded result. */
async function runPart(part) {
	const vm = await createLuauVm({ echo: false });
	const tree = fromProject(path.join(root, "test.project.json"));
	for (const service of tree.children) await mountTree(vm.Env, service, "");
	await vm.Env.installApi();
	await vm.Env.runHarnessScript(
		`
local ReplicatedStorage = game:GetService("ReplicatedStorage")
local ok, result = pcall(function()
	return require(ReplicatedStorage.PostHog.__tests__.bench.captureBench).runCaptureBench(${JSON.stringify(part)})
end)
_G.ok = ok
_G.result = tostring(result)
_G.done = true
`,
		"CaptureBench",
	);
	const global = async (name) => (await vm.Env.harnessGlobal(name))[0] ?? undefined;
	const deadline = performance.now() + PART_LIMIT_MS;
	while ((await global("done")) === undefined) {
		if (performance.now() > deadline) {
			await vm.close();
			throw new Error(`the capture benchmark's part "${part}" exceeded ${PART_LIMIT_MS} ms`);
		}
		await vm.Env.stepHarness();
		await new Promise((resolve) => setImmediate(resolve));
	}
	const ok = (await global("ok")) === "true" || (await global("ok")) === true;
	const text = await global("result");
	await vm.close();
	if (!ok) throw new Error(`the capture benchmark's part "${part}" failed: ${text}`);
	return JSON.parse(text);
}

const results = {};
let meta;
for (const part of PARTS) {
	meta = await runPart(part);
	results[part] = meta.result;
}

// `--json file` (bench/run.mjs's table): write the results there instead of printing them.
const jsonAt = process.argv.indexOf("--json");
if (jsonAt > 0) {
	(await import("node:fs")).writeFileSync(process.argv[jsonAt + 1], JSON.stringify({ meta, results }));
	process.exit(0);
}

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
			`${row.sent} sent, ${row.dropped} dropped (queue full), over ${row.minutes.toFixed(1)} min`,
	);
}
