// Boots luau-web with the emulated Roblox engine (test/emulator/*.luau) and the host services it needs:
// compilation, output, wall clock, GUIDs, and real loopback HTTP through the HTTP bridge.
import "./wasmMemoryPatch.mjs";
import fs from "node:fs";
import path from "node:path";
import crypto from "node:crypto";
import { fileURLToPath } from "node:url";
import { LuauState } from "luau-web";

const emulatorDir = fileURLToPath(new URL("../emulator/", import.meta.url));
// Class files loaded after the core ones; each returns a function that defines its classes.
const CLASS_FILES = ["HttpService", "Players", "Remotes", "NetworkServices", "Storage"];

async function optionalImport(relative) {
	const file = fileURLToPath(new URL(relative, import.meta.url));
	if (!fs.existsSync(file)) return undefined;
	return import(file);
}

// luau-web's wasm prints internal diagnostics ("1: (null), tag: 129", without newlines) that reach
// stdout through console.log, glued in front of the next printed line; a long run accumulates
// megabytes of them. Nothing depends on them, so the runner strips them from stdout.
const LUAU_WEB_NOISE = /\d*: \(null\), tag: \d*/g;
const writeStdout = process.stdout.write.bind(process.stdout);
process.stdout.write = (chunk, ...rest) => {
	if (typeof chunk === "string" && chunk.includes("(null), tag: ")) {
		chunk = chunk.replace(LUAU_WEB_NOISE, "");
		if (chunk.trim() === "") return true;
	}
	return writeStdout(chunk, ...rest);
};

/** `allowRemote` and `observeHttp`: see createHttpBridge (only `npm run demo` and the compliance adapter use them). */
export async function createLuauVm({ echo = true, echoWorldOutput = false, allowRemote = false, observeHttp } = {}) {
	const state = await LuauState.createAsync({});
	const output = [];
	const write = (stream, text) => {
		output.push(text);
		if (echo) stream.write(text + "\n");
	};
	const started = performance.now();

	const clockModule = await optionalImport("../host/virtualClock.mjs");
	const bridgeModule = await optionalImport("../host/httpBridge.mjs");
	const fakeModule = await optionalImport("../host/fakePostHog.mjs");
	const clock = clockModule?.createVirtualClock();
	const fakes = fakeModule?.createFakePostHogRegistry({ clock });
	const bridge = bridgeModule?.createHttpBridge({ clock, fakes, allowRemote, observe: observeHttp });

	const host = {
		compile: (source, chunkName) => state.loadstring(source, chunkName, false),
		emulatorSource: (name) => {
			const file = path.join(emulatorDir, `${name}.luau`);
			return fs.existsSync(file) ? fs.readFileSync(file, "utf8") : null;
		},
		classFiles: () => CLASS_FILES.filter((n) => fs.existsSync(path.join(emulatorDir, `${n}.luau`))).join(","),
		echoWorldOutput: () => echoWorldOutput,
		stdout: (text) => write(process.stdout, text),
		stderr: (text) => write(process.stderr, text),
		realSeconds: () => (performance.now() - started) / 1000,
		wallMillis: () => Date.now(),
		guid: () => crypto.randomUUID(),
		setVirtualNow: (seconds) => clock?.set(seconds),
		// HTTP bridge: synchronous start/poll; waitIO is async and suspends the VM while Node does I/O.
		httpAvailable: () => bridge !== undefined,
		httpStart: (method, url, headersJson, body, gzip, timeoutSeconds) =>
			bridge.start(method, url, headersJson, body ?? undefined, gzip, timeoutSeconds),
		httpPoll: () => bridge.poll(),
		httpCancel: (id) => bridge.cancel(id),
		httpStatus: () => bridge.status(),
		httpWaitIO: async (ms) => bridge.waitIO(ms),
		fake: async (command, argsJson) => {
			if (!fakes) throw new Error("fake PostHog is not available");
			return await fakes.command(command, argsJson);
		},
	};
	state.env.set("__host", host, true);
	const initSource = fs.readFileSync(path.join(emulatorDir, "init.luau"), "utf8");
	const [Env] = await state.loadstring(initSource, "=emulator/init", true)();
	return { state, Env, output, host, fakes, bridge, clock, close: async () => fakes?.command("closeAll", "{}") };
}

export async function mountTree(Env, node, parentPath) {
	await Env.mount(parentPath, node.name, node.className, node.source, node.value);
	const here = parentPath ? `${parentPath}/${node.name}` : node.name;
	for (const child of node.children) await mountTree(Env, child, here);
}
