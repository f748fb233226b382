// `npm run bench` (or `node bench/flags.bench.mjs [--no-build]`): what feature flags cost the server,
// measured on the compiled SDK in luau-web inside the emulated engine, like the specs:
// - real microseconds per flag read (median of rounds): values cached from /flags, and local
//   evaluation (featureFlagsSecureKey), reused and from scratch;
// - /flags requests per 100 player joins with and without local evaluation (virtual clock).
// The Luau half is src/__tests__/bench/flagsBench.ts. Each part runs in a fresh VM (see
// capture.bench.mjs for why).
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLuauVm, mountTree } from "../test/runner/luauVm.mjs";
import { fromProject } from "../test/runner/rojoTree.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const PART_LIMIT_MS = 5 * 60 * 1000;
const PARTS = [
	"readRemote",
	"readRemoteGetFeatureFlag",
	"readRemoteNoEvents",
	"readLocal",
	"readLocalGetFeatureFlag",
	"readLocalFresh",
	"joinsRemote",
	"joinsLocal",
	"joinsLocalUndecided",
];

if (!process.argv.includes("--no-build")) {
	execFileSync("npx", ["rbxtsc", "-p", "tsconfig.test.json", "--rojo", "test.project.json", "--type", "game"], {
		cwd: root,
		stdio: "inherit",
	});
}

/** Runs one part of src/__tests__/bench/flagsBench.ts in a fresh VM; returns its decoded result. */
async function runPart(part) {
	const vm = await createLuauVm({ echo: false });
	const tree = fromProject(path.join(root, "test.project.json"));
	for (const service of tree.children) await mountTree(vm.Env, service, "");
	await vm.Env.installApi();
	await vm.Env.runHarnessScript(
		`
local ReplicatedStorage = game:GetService("ReplicatedStorage")
local ok, result = pcall(function()
	return require(ReplicatedStorage.PostHog.__tests__.bench.flagsBench).runFlagsBench(${JSON.stringify(part)})
end)
_G.ok = ok
_G.result = tostring(result)
_G.done = true
`,
		"FlagsBench",
	);
	const global = async (name) => (await vm.Env.harnessGlobal(name))[0] ?? undefined;
	const deadline = performance.now() + PART_LIMIT_MS;
	while ((await global("done")) === undefined) {
		if (performance.now() > deadline) {
			await vm.close();
			throw new Error(`the flags benchmark's part "${part}" exceeded ${PART_LIMIT_MS} ms`);
		}
		await vm.Env.stepHarness();
		await new Promise((resolve) => setImmediate(resolve));
	}
	const ok = (await global("ok")) === "true" || (await global("ok")) === true;
	const text = await global("result");
	await vm.close();
	if (!ok) throw new Error(`the flags benchmark's part "${part}" failed: ${text}`);
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
console.log(`Feature flags benchmark (luau-web; median of ${meta.rounds} rounds of ${meta.readsPerRound} reads)`);
console.log("Server cost per flag read, one player, 10 flags, real time (never yields):");
const readRow = (label, value) => console.log(`  ${label.padEnd(57)} ${us(value)}`);
readRow("values from /flags: IsFeatureEnabled", results.readRemote);
readRow("values from /flags: GetFeatureFlag", results.readRemoteGetFeatureFlag);
readRow("values from /flags: IsFeatureEnabled, no events", results.readRemoteNoEvents);
readRow("local evaluation: IsFeatureEnabled", results.readLocal);
readRow("local evaluation: GetFeatureFlag", results.readLocalGetFeatureFlag);
readRow("local evaluation from scratch (an input just changed)", results.readLocalFresh);
console.log(
	"  Reads after the first of each value send no event (deduplicated), so they cost a lookup; local results\n" +
		"  are reused until the player's properties, groups or the definitions change (or after 60 s).",
);
console.log(`/flags requests for ${meta.joins} player joins (2 s apart; default 30 s definitions polling):`);
const joinRow = (label, row) =>
	console.log(
		`  ${label.padEnd(57)} ${String(row.flagsRequests).padStart(4)} /flags, ` +
			`${String(row.definitionsRequests).padStart(2)} definitions polls; ${row.playersWithFlags} players read shop-v2 on`,
	);
joinRow("without local evaluation (preload from /flags)", results.joinsRemote);
joinRow("with local evaluation, every flag decidable", results.joinsLocal);
joinRow("with local evaluation, one flag needs an unknown property", results.joinsLocalUndecided);
