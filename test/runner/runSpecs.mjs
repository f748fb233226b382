// Mounts the compiled test place into the emulator's harness DataModel and runs jest-roblox over it.
import path from "node:path";
import { createLuauVm, mountTree } from "./luauVm.mjs";
import { fromProject, findNode } from "./rojoTree.mjs";

const HARD_LIMIT_MS = Number(process.env.SPEC_TIMEOUT_MS || 15 * 60 * 1000);

/**
 * `artifacts`: instance trees built outside the test place (consumer places, see consumers.mjs), mounted
 * in the harness as ServerStorage.BuiltArtifacts.<name>.
 */
export async function runSpecs({ root, filters = [], project = "test.project.json", artifacts = [] }) {
	const t0 = performance.now();
	const vm = await createLuauVm({ echo: true, echoWorldOutput: process.env.ECHO_WORLD === "1" });
	const tree = fromProject(path.join(root, project));
	// @rbxts/jest-globals loads JestGlobals from a sibling folder named JestLua: alias the @rbxts-js packages.
	const rbxts = findNode(tree, (n) => n.name === "@rbxts");
	const rbxtsJs = findNode(tree, (n) => n.name === "@rbxts-js");
	rbxts.children = rbxts.children.filter((c) => c.name !== "JestLua" && c.name !== "jest-vendor");
	rbxts.children.push({ name: "JestLua", className: "Folder", children: rbxtsJs.children });
	const posthog = findNode(tree, (n) => n.name === "PostHog");
	const testMatch = filters.length > 0 ? filters.map((f) => `"**/*${f}*.spec"`).join(", ") : `"**/*.spec"`;
	posthog.children.push({
		name: "jest.config",
		className: "ModuleScript",
		children: [],
		source: `return { testMatch = { ${testMatch} }, setupFiles = { script.Parent.jestSetup }, testTimeout = 30000 }`,
	});
	// roblox-ts#3011: jest gives every spec file a fresh RuntimeLib while _G registrations persist.
	posthog.children.push({
		name: "jestSetup",
		className: "ModuleScript",
		children: [],
		source: `for key in pairs(_G) do if typeof(key) == "Instance" then _G[key] = nil end end return nil`,
	});
	for (const service of tree.children) await mountTree(vm.Env, service, "");
	if (artifacts.length > 0) {
		const builtArtifacts = { name: "BuiltArtifacts", className: "Folder", children: artifacts };
		await mountTree(vm.Env, { name: "ServerStorage", className: "Folder", children: [builtArtifacts] }, "");
	}
	await vm.Env.installApi();
	await vm.Env.runHarnessScript(
		`
local ReplicatedStorage = game:GetService("ReplicatedStorage")
local ok, result = pcall(function()
	local runCLI = require(ReplicatedStorage.rbxts_include.node_modules["@rbxts"].JestLua.Jest).runCLI
	local awaited, value = runCLI(ReplicatedStorage.PostHog, { verbose = true, ci = true }, { ReplicatedStorage.PostHog }):await()
	if not awaited then
		error(value, 0)
	end
	return value
end)
if ok then
	local r = result.results
	_G.passed = r.numPassedTests
	_G.failed = r.numFailedTests + r.numRuntimeErrorTestSuites
	_G.success = r.success
	-- Suites that failed to load (no test ran): their file names, for runSpecsRetryingLoadFailures.
	local loadFailures = {}
	for _, suite in r.testResults do
		if suite.testExecError ~= nil then
			table.insert(loadFailures, (string.match(tostring(suite.testFilePath), "([^/%.]+)%.spec") or "?"))
		end
	end
	_G.loadFailures = table.concat(loadFailures, ",")
else
	print("jest crashed: " .. tostring(result))
	_G.passed = 0
	_G.failed = 1
	_G.success = false
end
_G.done = true
`,
		"RunSpecs",
	);
	// Luau functions called from JS resolve to an array of their return values.
	const global = async (name) => (await vm.Env.harnessGlobal(name))[0] ?? undefined;
	const deadline = performance.now() + HARD_LIMIT_MS;
	while ((await global("done")) === undefined) {
		if (performance.now() > deadline) {
			console.error(`spec run exceeded ${HARD_LIMIT_MS} ms`);
			await vm.close();
			return { ok: false, passed: 0, failed: 1, ms: performance.now() - t0 };
		}
		await vm.Env.stepHarness();
		await new Promise((resolve) => setImmediate(resolve));
	}
	const passed = Number(await global("passed"));
	const failed = Number(await global("failed"));
	const success = (await global("success")) === "true";
	const loadFailures = String((await global("loadFailures")) ?? "")
		.split(",")
		.filter((name) => name !== "");
	await vm.close();
	return { ok: success, passed, failed, ms: performance.now() - t0, loadFailures };
}

/**
 * runSpecs, and when the only failures are suites that failed to load (luau-web has, rarely, broken a
 * chunk it compiled in a long run), those suites once more in a fresh VM. A suite that is really broken
 * fails to load again and stays failed; the retry is printed either way.
 */
export async function runSpecsRetryingLoadFailures(options) {
	const first = await runSpecs(options);
	// `failed` counts failed tests plus suites that failed to load: equal means no test failed.
	const { loadFailures = [] } = first;
	if (first.ok || loadFailures.length === 0 || loadFailures.length !== first.failed) return first;
	console.log(`retrying ${loadFailures.length} suite(s) that failed to load: ${loadFailures.join(", ")}`);
	const second = await runSpecs({ ...options, filters: loadFailures.map((name) => `/${name}`) });
	console.log(`retry: ${second.passed} passed, ${second.failed} failed`);
	return {
		ok: second.ok,
		passed: first.passed + second.passed,
		failed: second.failed,
		ms: first.ms + second.ms,
	};
}
