// Shared setup for the server SDK's integration specs (src/__tests__/server/): a world, a fake
// PostHog on loopback and a server with the SDK installed. Init options default to the fake's host
// with autocapture and flag preloading off, so the only requests are the /batch/ calls a spec causes
// and the only events are the ones it captures.
//
// Installing the SDK in a new server costs tens of milliseconds (every module is compiled again per
// peer), so specs that don't kill the server, replace its HttpService settings or rely on the
// first-call-only warnings share one world per describe block (`shared: true`). Before each test the
// shared SDK is shut down (its timers stop, what it still held is sent), the world runs past any
// request still waiting, and the fake, its scripts, the super properties and the output mark are
// reset. Times a test reads are relative to its start (`now()`, `arrivals()`).

import { afterAll, afterEach, beforeAll, beforeEach } from "@rbxts/jest-globals";
import { createWorld, Peer, ServerOptions, World, WorldOptions } from "./emulator";
import { CapturedEvent, FakePostHog, RecordedRequest } from "./fakePostHog";
import { PostHogApi, startSdkServer, testOptions } from "./sdk";

export interface ServerSpec {
	world: World;
	fake: FakePostHog;
	server: Peer;
	PostHog: PostHogApi;
	/** World time when the test started. */
	startedAt: number;
	/** Seconds of world time since the test started. */
	now: () => number;
	/** PostHog:Init with quiet defaults (see specOptions) and `overrides`. */
	init: (overrides?: Record<string, unknown>) => void;
	/** /batch/ requests the fake received, in arrival order. */
	batchRequests: () => RecordedRequest[];
	/** When each /batch/ request arrived, in seconds since the test started. */
	arrivals: () => number[];
	/** Event names of every batch the fake answered 2xx, in send order. */
	deliveredNames: () => string[];
	/** Events of the batches the fake answered 2xx. */
	delivered: () => CapturedEvent[];
	/** The server's print/warn output since the test started. */
	output: () => string[];
	/** The SDK's warn/error lines on the server since the test started (errors are written with warn). */
	warnings: () => string[];
}

/**
 * Init options for the fake with autocapture, error capture, flag preloading and durable delivery off
 * (stored events would outlive the test in a shared world).
 */
export function specOptions(fake: FakePostHog, overrides?: Record<string, unknown>): Record<string, unknown> {
	return testOptions(fake, {
		captureLifecycleEvents: false,
		captureErrors: false,
		preloadFeatureFlags: false,
		durableDelivery: false,
		...overrides,
	});
}

export interface ServerSpecOptions {
	world?: WorldOptions;
	server?: ServerOptions;
	/** One world for every test of the describe block (see the file comment). */
	shared?: boolean;
}

/** Longest a request of a previous test can still be waiting: the SDK's request timeout, plus slack. */
const SETTLE_SECONDS = 11;

/**
 * Registers the hooks in the calling describe block and returns the live spec state; read its
 * fields inside tests only.
 */
export function useServerSpec(options: ServerSpecOptions = {}): ServerSpec {
	const spec = {} as ServerSpec;
	let outputStart = 0;

	function create() {
		const world = createWorld(options.world);
		const fake = FakePostHog.create();
		const { server, PostHog } = startSdkServer(world, options.server);
		spec.world = world;
		spec.fake = fake;
		spec.server = server;
		spec.PostHog = PostHog;
		spec.init = (overrides) => PostHog.Init(specOptions(fake, overrides));
		spec.now = () => world.now() - spec.startedAt;
		spec.batchRequests = () => fake.requests("batch");
		spec.arrivals = () => fake.requests("batch").map((request) => request.receivedAt - spec.startedAt);
		spec.delivered = () => fake.deliveredEvents();
		spec.deliveredNames = () => fake.deliveredEvents().map((event) => event.event);
		spec.output = () => {
			const lines = new Array<string>();
			for (let i = outputStart; i < server.output.size(); i++) lines.push(server.output[i].text);
			return lines;
		};
		spec.warnings = () => {
			const lines = new Array<string>();
			for (let i = outputStart; i < server.output.size(); i++) {
				const entry = server.output[i];
				if (entry.kind === "warn" && entry.text.find("[PostHog]", 1, true)[0] !== undefined) lines.push(entry.text);
			}
			return lines;
		};
		spec.startedAt = world.now();
		outputStart = 0;
	}

	function destroy() {
		spec.world.destroy();
		spec.fake.close();
	}

	/** Puts a shared world back to "SDK installed, not initialized, nothing pending". */
	function reset() {
		const { world, fake, server, PostHog } = spec;
		for (const route of ["batch", "flags", "definitions"] as const) fake.script(route, []);
		fake.faults(undefined);
		setHttpEnabled(server, options.server?.httpEnabled ?? true);
		if (PostHog.IsInitialized()) server.spawn(() => PostHog.Shutdown(0));
		world.runFor(SETTLE_SECONDS);
		table.clear((PostHog as unknown as { superProperties: object }).superProperties);
		fake.clear();
		outputStart = server.output.size();
		spec.startedAt = world.now();
	}

	if (options.shared) {
		beforeAll(create);
		beforeEach(reset);
		afterAll(destroy);
	} else {
		beforeEach(create);
		afterEach(destroy);
	}
	return spec;
}

/** Flips the server's HttpService.HttpEnabled, which only privileged code (Studio, the engine) may set. */
export function setHttpEnabled(server: Peer, enabled: boolean) {
	const privileged = server as unknown as { privileged: boolean };
	privileged.privileged = true;
	(server.game.GetService("HttpService") as unknown as { HttpEnabled: boolean }).HttpEnabled = enabled;
	privileged.privileged = false;
}

/** Lines of `lines` that contain `text` (plain find). */
export function linesWith(lines: ReadonlyArray<string>, text: string): string[] {
	return lines.filter((line) => line.find(text, 1, true)[0] !== undefined);
}

/** The events of one recorded /batch/ request. */
export function eventsOf(request: RecordedRequest): CapturedEvent[] {
	const body = request.json as { batch?: CapturedEvent[] } | undefined;
	return body?.batch ?? [];
}

/** The uuids of one recorded /batch/ request, in order. */
export function uuidsOf(request: RecordedRequest): string[] {
	return eventsOf(request).map((event) => event.uuid ?? "");
}
