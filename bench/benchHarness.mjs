// What every benchmark shares: compile the test place (unless --no-build), boot a fresh luau-web VM
// with the emulated engine, run one Luau bench function from src/__tests__/bench/ in the harness and
// return its JSON result, and honour `--json file` (bench/run.mjs's table). Each part gets a fresh VM:
// parts stay independent, and one long-lived VM building dozens of worlds occasionally trips luau-web
// ("'setfenv' cannot change environment of given object" while requiring the SDK).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLuauVm, mountTree } from "../test/runner/luauVm.mjs";
import { fromProject } from "../test/runner/rojoTree.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const PART_LIMIT_MS = 5 * 60 * 1000;

/** Compiles the SDK and its specs (the bench modules live beside them) unless --no-build was given. */
export function buildTestPlace() {
	if (process.argv.includes("--no-build")) return;
	execFileSync("npx", ["rbxtsc", "-p", "tsconfig.test.json", "--rojo", "test.project.json", "--type", "game"], {
		cwd: root,
		stdio: "inherit",
	});
}

/**
 * Calls `fn` of ReplicatedStorage.PostHog.__tests__.bench.<module> with `args` in a fresh VM and
 * returns its decoded JSON result. `label` names the benchmark in errors.
 */
export async function runBenchFunction(label, module, fn, ...args) {
	const vm = await createLuauVm({ echo: false });
	const tree = fromProject(path.join(root, "test.project.json"));
	for (const service of tree.children) await mountTree(vm.Env, service, "");
	await vm.Env.installApi();
	const callArgs = args.map((arg) => JSON.stringify(arg)).join(", ");
	await vm.Env.runHarnessScript(
		`
local ReplicatedStorage = game:GetService("ReplicatedStorage")
local ok, result = pcall(function()
	return require(ReplicatedStorage.PostHog.__tests__.bench.${module}).${fn}(${callArgs})
end)
_G.ok = ok
_G.result = tostring(result)
_G.done = true
`,
		"Bench",
	);
	const global = async (name) => (await vm.Env.harnessGlobal(name))[0] ?? undefined;
	const deadline = performance.now() + PART_LIMIT_MS;
	while ((await global("done")) === undefined) {
		if (performance.now() > deadline) {
			await vm.close();
			throw new Error(`${label} ${callArgs} exceeded ${PART_LIMIT_MS} ms`);
		}
		await vm.Env.stepHarness();
		await new Promise((resolve) => setImmediate(resolve));
	}
	const okValue = await global("ok");
	const text = await global("result");
	await vm.close();
	if (okValue !== "true" && okValue !== true) throw new Error(`${label} ${callArgs} failed: ${text}`);
	return JSON.parse(text);
}

/** Runs each part in its own VM; `meta` is the last part's full answer, `results[part]` its `result`. */
export async function runBenchParts(label, module, fn, parts) {
	const results = {};
	let meta;
	for (const part of parts) {
		meta = await runBenchFunction(label, module, fn, part);
		results[part] = meta.result;
	}
	return { meta, results };
}

/** With `--json file`, writes `value` there and returns true (the caller then prints nothing). */
export function writeJsonIfAsked(value) {
	const at = process.argv.indexOf("--json");
	if (at <= 0) return false;
	fs.writeFileSync(process.argv[at + 1], JSON.stringify(value));
	return true;
}
