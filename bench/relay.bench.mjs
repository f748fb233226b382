// `npm run bench relay` (or `node bench/relay.bench.mjs [--no-build]`): the client relay's costs, measured
// on the compiled SDK in luau-web inside the emulated engine, like the specs:
// - server cost per accepted, rate-limited and invalid relayed message (real microseconds, median
//   of rounds), timed around the relay's OnServerEvent handler;
// - RemoteEvent fires per 1,000 client captures at several capture rates (virtual clock).
// The Luau half is src/__tests__/bench/relayBench.ts. Numbers from luau-web are slower than
// Roblox's Luau (no native code generation); compare them with each other, across commits.
import { execFileSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { createLuauVm, mountTree } from "../test/runner/luauVm.mjs";
import { fromProject } from "../test/runner/rojoTree.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const HARD_LIMIT_MS = 5 * 60 * 1000;

if (!process.argv.includes("--no-build")) {
	execFileSync("npx", ["rbxtsc", "-p", "tsconfig.test.json", "--rojo", "test.project.json", "--type", "game"], {
		cwd: root,
		stdio: "inherit",
	});
}

const vm = await createLuauVm({ echo: false });
const tree = fromProject(path.join(root, "test.project.json"));
for (const service of tree.children) await mountTree(vm.Env, service, "");
await vm.Env.installApi();
await vm.Env.runHarnessScript(
	`
local ReplicatedStorage = game:GetService("ReplicatedStorage")
local ok, result = pcall(function()
	return require(ReplicatedStorage.PostHog.__tests__.bench.relayBench).runRelayBench()
end)
_G.ok = ok
_G.result = tostring(result)
_G.done = true
`,
	"RelayBench",
);
const global = async (name) => (await vm.Env.harnessGlobal(name))[0] ?? undefined;
const deadline = performance.now() + HARD_LIMIT_MS;
while ((await global("done")) === undefined) {
	if (performance.now() > deadline) {
		console.error(`the relay benchmark exceeded ${HARD_LIMIT_MS} ms`);
		await vm.close();
		process.exit(1);
	}
	await vm.Env.stepHarness();
	await new Promise((resolve) => setImmediate(resolve));
}
const ok = (await global("ok")) === "true" || (await global("ok")) === true;
const text = await global("result");
await vm.close();
if (!ok) {
	console.error(`the relay benchmark failed: ${text}`);
	process.exit(1);
}

const result = JSON.parse(text);
// `--json file` (bench/run.mjs's table): write the results there instead of printing them.
const jsonAt = process.argv.indexOf("--json");
if (jsonAt > 0) {
	(await import("node:fs")).writeFileSync(process.argv[jsonAt + 1], JSON.stringify({ result }));
	process.exit(0);
}

const us = (value) => `${value.toFixed(1).padStart(6)} µs`;
console.log(
	`Client relay benchmark (luau-web; median of ${result.rounds} rounds of ${result.messagesPerRound} messages)`,
);
console.log("Server cost per relayed message (OnServerEvent handler, real time):");
console.log(`  accepted (capture, 7 properties: validate, build, queue) ${us(result.acceptedMicroseconds)}`);
console.log(`    of which validation (acceptClientEnvelope)              ${us(result.validationMicroseconds)}`);
console.log(`    (PostHog:Capture of the same event on the server)       ${us(result.serverCaptureMicroseconds)}`);
console.log(`  rejected: rate-limited                                  ${us(result.rateLimitedMicroseconds)}`);
console.log(`  rejected: invalid (1,100 properties, $ name, NaN, spoof) ${us(result.invalidMicroseconds)}`);
console.log("RemoteEvent fires per 1,000 client captures:");
for (const row of result.fires) {
	const rate = `${row.capturesPerSecond} captures/s`.padEnd(18);
	console.log(`  ${rate} ${String(row.fires).padStart(4)} fires, ${row.delivered} captures accepted by the server`);
}
