// `npm run demo`: runs the example place (example/) in the emulated engine in REAL time: a game server
// with the SDK from dist/PostHog.rbxmx, players joining and leaving, and prints every event and flag
// request as PostHog receives it.
//   default                 sends to an embedded PostHog-compatible sink on 127.0.0.1 (the tests' fake)
//   POSTHOG_PROJECT_KEY=phc_...  sends to your real PostHog (POSTHOG_HOST, default https://us.i.posthog.com);
//                           only then may the emulator's HTTP leave the machine (allowRemote)
// Runs DEMO_SECONDS (default 20) or until Ctrl-C, then shuts the server down so the last batch goes out.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { exampleTree, HOST_PLACEHOLDER } from "../test/runner/consumers.mjs";
import { createLuauVm, mountTree } from "../test/runner/luauVm.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const seconds = Number(process.env.DEMO_SECONDS || 20);
const apiKey = process.env.POSTHOG_PROJECT_KEY;
const remote = apiKey !== undefined && apiKey !== "";
const started = performance.now();
const stamp = () => `[${((performance.now() - started) / 1000).toFixed(1).padStart(5)} s]`;

// Properties every event carries (server context, super properties) are printed once, not per event.
let contextKeys;
function ownProperties(properties = {}) {
	const own = Object.entries(properties).filter(
		([key]) => !contextKeys.has(key) && (!key.startsWith("$") || key === "$screen_name"),
	);
	const text = own.map(([key, value]) => `${key}=${JSON.stringify(value)}`).join(" ");
	return text.length > 90 ? `${text.slice(0, 87)}...` : text;
}

function printBatch(batch = [], status) {
	const events = batch.filter((event) => event && typeof event === "object");
	if (contextKeys === undefined && events.length > 1) {
		const keys = events.map((event) => new Set(Object.keys(event.properties ?? {})));
		contextKeys = new Set([...keys[0]].filter((key) => keys.every((set) => set.has(key))));
		const shown = [...contextKeys].filter((key) => !key.startsWith("$"));
		console.log(`${stamp()} (every event also carries: ${shown.join(", ")}, and $ properties)`);
	}
	contextKeys ??= new Set();
	console.log(`${stamp()} batch  /batch/ -> ${status}: ${events.length} events`);
	for (const event of events) {
		const who = String(event.distinct_id ?? "?").padEnd(8);
		console.log(`${stamp()}          ${String(event.event).padEnd(18)} ${who} ${ownProperties(event.properties)}`);
	}
}

function printRequest({ path: route, json, status }) {
	if (/^\/batch\/?$/.test(route)) printBatch(json?.batch, status);
	else if (/^\/flags/.test(route))
		console.log(`${stamp()} flags  ${route} for ${json?.distinct_id ?? "?"} -> ${status}`);
	else console.log(`${stamp()} other  ${route} -> ${status}`);
}

if (!fs.existsSync(path.join(root, "dist/PostHog.rbxmx"))) {
	console.log("dist/PostHog.rbxmx is missing: building it first (npm run build)");
	execFileSync(process.execPath, [path.join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
}

// Remote mode: what the bridge sends, since no fake records it.
const remoteBodies = new Map();
const observeHttp = (exchange) => {
	if (exchange.url !== undefined) {
		remoteBodies.set(exchange.id, exchange);
		return;
	}
	const sent = remoteBodies.get(exchange.id);
	remoteBodies.delete(exchange.id);
	if (sent === undefined) return;
	const route = new URL(sent.url).pathname;
	let json;
	try {
		json = JSON.parse(sent.body ?? "null");
	} catch {
		json = undefined;
	}
	printRequest({ path: route, json, status: exchange.status ?? exchange.error });
};

const vm = await createLuauVm({
	echo: true,
	echoWorldOutput: true,
	allowRemote: remote,
	observeHttp: remote ? observeHttp : undefined,
});
let host;
let fake;
if (remote) {
	host = process.env.POSTHOG_HOST || "https://us.i.posthog.com";
	console.log(`Sending to ${host} with project key ${apiKey.slice(0, 8)}... for ${seconds} s (Ctrl-C stops)`);
} else {
	fake = await vm.fakes.create();
	fake.flags({ flags: { "double-coins": true, "shop-layout": "compact" } });
	host = fake.url;
	console.log(`Local PostHog sink at ${host}; running the example for ${seconds} s (Ctrl-C stops).`);
	console.log("Set POSTHOG_PROJECT_KEY (and POSTHOG_HOST) to send to your PostHog project instead.");
}

const tree = exampleTree(root, { apiKey: remote ? apiKey : "phc_demo_key", host: HOST_PLACEHOLDER });
const place = {
	name: "DemoPlace",
	className: "Folder",
	children: tree.children.map((s) => ({ ...s, className: "Folder" })),
};
const fill = (node) => {
	if (node.source) node.source = node.source.split(HOST_PLACEHOLDER).join(host);
	node.children.forEach(fill);
};
fill(place);
await mountTree(vm.Env, { name: "ServerStorage", className: "Folder", children: [place] }, "");
await vm.Env.installApi();

// The session: a server, three players arriving and two leaving, then a shutdown (BindToClose flush).
await vm.Env.runHarnessScript(
	`
local Emulator = require(game:GetService("ReplicatedStorage").Emulator)
local place = game:GetService("ServerStorage").DemoPlace
local world = Emulator.createWorld({ realtime = true })
local server = world:startServer({ httpEnabled = true })
for _, service in place:GetChildren() do
	local target = server.game:GetService(service.Name)
	for _, child in service:GetChildren() do
		world:copyInto(server, child, target)
	end
end
local module = server.game:GetService("ReplicatedStorage"):WaitForChild("PostHog")
for _, instance in server.game:GetService("ServerScriptService"):GetDescendants() do
	if instance.ClassName == "Script" then
		server:runScript(instance)
	end
end
-- The SDK as the server's Scripts have it (server:require uses that peer's module cache). Clients run
-- the LocalScripts once the client relay exists (the module exposes PostHogClient).
local PostHog = server:require(module)
local hasRelay = PostHog.PostHogClient ~= nil

local function join(options)
	local client = world:joinPlayer(options)
	if hasRelay then
		local playerScripts = client.localPlayer:FindFirstChild("PlayerScripts")
		local starter = client.game:GetService("StarterPlayer"):FindFirstChild("StarterPlayerScripts")
		for _, child in (starter and starter:GetChildren() or {}) do
			world:copyInto(client, child, playerScripts)
		end
		for _, instance in playerScripts:GetDescendants() do
			if instance.ClassName == "LocalScript" then
				client:runScript(instance)
			end
		end
	end
	return client
end

local seconds = ${seconds}
local function until_(at)
	while not _G.stop and world:now() < at do
		task.wait(0.1)
	end
	return not _G.stop
end
local builderman, noob
if until_(1) then builderman = join({ userId = 156, name = "Builderman" }) end
if until_(3) then noob = join({ userId = 1001, name = "Noob", country = "FR", locale = "fr-fr" }) end
if until_(5) then join({ userId = 2002, name = "Guest", input = { touch = true } }) end
if until_(seconds * 0.6) and noob then world:removePlayer(noob) end
if until_(seconds * 0.8) and builderman then world:removePlayer(builderman) end
until_(seconds)
-- Shutdown: what BindToClose would do when the server closes; the last batch goes out.
server:spawn(function()
	PostHog:Shutdown(5)
	_G.done = true
end)
`,
	"Demo",
);

process.once("SIGINT", () => {
	console.log(`${stamp()} stopping: flushing what is queued`);
	vm.Env.runHarnessScript("_G.stop = true", "Stop");
});

const printed = new Set();
const printAnswered = () => {
	for (const request of fake?.requests() ?? []) {
		if (request.status === null || printed.has(request.seq)) continue;
		printed.add(request.seq);
		printRequest(request);
	}
};
const deadline = performance.now() + (seconds + 15) * 1000;
while (((await vm.Env.harnessGlobal("done"))[0] ?? undefined) === undefined && performance.now() < deadline) {
	await vm.Env.stepHarness();
	printAnswered();
	await new Promise((resolve) => setTimeout(resolve, 10));
}
printAnswered();
const batches = fake ? fake.requests("batch").length : undefined;
console.log(`${stamp()} done${batches !== undefined ? `: ${batches} batches received` : ""}`);
await vm.close();
process.exit(0);
