// `npm run bench delivery` (or `node bench/delivery.bench.mjs [--no-build] [--json file]`): what
// delivering events costs the server, measured on the compiled SDK in luau-web like the specs:
// - real microseconds per event from PostHog:Flush until the queue is empty, transport stubbed;
// - Luau heap growth (gcinfo) and encoded bytes kept for 1,000 queued events.
// The Luau half is src/__tests__/bench/deliveryBench.ts. Each part runs in a fresh VM.
// `--json file` writes the results there instead of printing them (bench/run.mjs's table).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLuauVm, mountTree } from "../test/runner/luauVm.mjs";
import { fromProject } from "../test/runner/rojoTree.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const PART_LIMIT_MS = 5 * 60 * 1000;
const PARTS = ["flush", "memory"];
const jsonIndex = process.argv.indexOf("--json");
const jsonPath = jsonIndex > 0 ? process.argv[jsonIndex + 1] : undefined;

if (!process.argv.includes("--no-build")) {
	execFileSync("npx", ["rbxtsc", "-p", "tsconfig.test.json", "--rojo", "test.project.json", "--type", "game"], {
		cwd: root,
		stdio: "inherit",
	});
}

/** Runs one part of src/__tests__/bench/deliveryBench.ts in a fresh VM; returns its decoded result. */
async function runPart(part) {
	const vm = await createLuauVm({ echo: false });
	const tree = fromProject(path.join(root, "test.project.json"));
	for (const service of tree.children) await mountTree(vm.Env, service, "");
	await vm.Env.installApi();
	await vm.Env.runHarnessScript(
		`
local ReplicatedStorage = game:GetService("ReplicatedStorage")
local ok, result = pcall(function()
	return require(ReplicatedStorage.PostHog.__tests__.bench.deliveryBench).runDeliveryBench(${JSON.stringify(part)})
end)
_G.ok = ok
_G.result = tostring(result)
_G.done = true
`,
		"DeliveryBench",
	);
	const global = async (name) => (await vm.Env.harnessGlobal(name))[0] ?? undefined;
	const deadline = performance.now() + PART_LIMIT_MS;
	while ((await global("done")) === undefined) {
		if (performance.now() > deadline) {
			await vm.close();
			throw new Error(`the delivery benchmark's part "${part}" exceeded ${PART_LIMIT_MS} ms`);
		}
		await vm.Env.stepHarness();
		await new Promise((resolve) => setImmediate(resolve));
	}
	const ok = (await global("ok")) === "true" || (await global("ok")) === true;
	const text = await global("result");
	await vm.close();
	if (!ok) throw new Error(`the delivery benchmark's part "${part}" failed: ${text}`);
	return JSON.parse(text);
}

const results = {};
let meta;
for (const part of PARTS) {
	meta = await runPart(part);
	results[part] = meta.result;
}
if (jsonPath) {
	fs.writeFileSync(jsonPath, JSON.stringify({ meta, results }));
	process.exit(0);
}

console.log(`Delivery benchmark (luau-web; median of ${meta.rounds} rounds of ${meta.eventsPerRound} events)`);
console.log(
	`  flush cost per event (Flush until sent, batches of 50, transport stubbed)  ${results.flush.toFixed(1).padStart(6)} µs`,
);
console.log(
	`  memory per 1,000 queued events: ${results.memory.gcinfoKilobytes.toFixed(0)} KB live Luau heap (gcinfo), ` +
		`${results.memory.encodedKilobytes.toFixed(0)} KB of it the encoded events`,
);
