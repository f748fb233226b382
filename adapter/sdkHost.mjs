// The Node half of running the SDK outside a spec: boots the emulator (test/runner/luauVm.mjs),
// mounts an SDK build (sdkTree.mjs) in the harness, runs driver.luau and steps the harness and its
// real-time worlds in a loop, so SDK timers and HTTP progress on the wall clock.
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { createLuauVm, mountTree } from "../test/runner/luauVm.mjs";
import { loadSdkTree } from "./sdkTree.mjs";

const root = fileURLToPath(new URL("../", import.meta.url));
const driverSource = fs.readFileSync(new URL("./driver.luau", import.meta.url), "utf8");
/** Longest sleep between two harness steps, in ms; a settled HTTP request wakes the loop sooner. */
const STEP_MS = 2;
/** How often a pending driver call is polled, in ms. */
const POLL_MS = 2;

/**
 * @param {{ sdk?: "auto" | "model" | "test", allowHosts?: string[], echoWorldOutput?: boolean,
 *   observeHttp?: (event: object) => void }} options
 *   allowHosts: hosts besides loopback the SDK may reach (the HTTP bridge's allowRemote list);
 *   observeHttp: sees every request start and settle (see createHttpBridge)
 */
export async function startSdkHost({ sdk = "auto", allowHosts = [], echoWorldOutput = false, observeHttp } = {}) {
	const build = loadSdkTree(root, sdk);
	const allowRemote = allowHosts.length > 0 ? allowHosts : false;
	const vm = await createLuauVm({ echo: true, echoWorldOutput, allowRemote, observeHttp });
	const folder = { name: "PostHogSdk", className: "Folder", children: build.nodes };
	await mountTree(vm.Env, { name: "ServerStorage", className: "Folder", children: [folder] }, "");
	await vm.Env.installApi();
	await vm.Env.runHarnessScript(driverSource, "PostHogDriver");

	// luau-web cannot be re-entered: every call into the VM goes through this chain.
	let chain = Promise.resolve();
	function exclusive(fn) {
		const run = chain.then(fn);
		chain = run.catch(() => {});
		return run;
	}

	async function callOnce(request) {
		const [text] = await exclusive(() => vm.Env.callHarness("posthogDriver", JSON.stringify(request)));
		if (typeof text !== "string" || text.startsWith("error: ")) throw new Error(`driver: ${text}`);
		if (process.env.DRIVER_DEBUG)
			console.log("driver", JSON.stringify(request).slice(0, 200), "->", text.slice(0, 200));
		return JSON.parse(text);
	}

	let stopped = false;
	const loop = (async () => {
		while (!stopped) {
			await exclusive(() => vm.Env.stepHarness());
			await vm.bridge.waitIO(STEP_MS);
		}
	})();

	return {
		build,
		vm,
		/** Sends one request to the driver; waits (stepping the world) while the SDK call yields. */
		async call(op, fields = {}) {
			let result = await callOnce({ ...fields, op });
			while (result.pendingOp !== undefined) {
				await new Promise((resolve) => setTimeout(resolve, POLL_MS));
				result = await callOnce({ op: "poll", id: result.pendingOp });
			}
			return result;
		},
		async close() {
			stopped = true;
			await loop;
			await callOnce({ op: "reset" }).catch(() => {});
			vm.bridge.close();
			await vm.close();
		},
	};
}
