// Typed access to the host's fake PostHog servers (test/host/fakePostHog.mjs) for specs.
// Every call is one synchronous JSON round trip through Emulator.fakePostHog; only create waits
// for the server to listen. Delays and timeouts in scripts are in the world's virtual time.

import { HttpService } from "@rbxts/services";

/** Routes that can be scripted and faulted. */
export type FakeRoute = "batch" | "flags" | "definitions";
/** Route a recorded request matched; "other" answers 404 (e.g. a forbidden /decide call). */
export type RecordedRoute = FakeRoute | "other";
export type FaultKind = "500" | "502" | "503" | "429" | "408" | "timeout" | "reset";
/** An HTTP status, or what happened instead of an answer ("aborted": the client gave up first). */
export type RecordedStatus = number | "timeout" | "reset" | "aborted";

export interface RecordedRequest {
	/** 1-based arrival order on this server; not reset by clear(). */
	seq: number;
	route: RecordedRoute;
	method: string;
	path: string;
	query: Record<string, string>;
	/** Lowercased names, as received (engine defaults included). */
	headers: Record<string, string>;
	/** The body was gzip (header, ?compression=gzip or magic bytes) and was decompressed. */
	gzip: boolean;
	/** Raw body length on the wire, in bytes. */
	bytes: number;
	bodyText?: string;
	/** Parsed body; undefined when absent or not JSON. */
	json?: unknown;
	/** Virtual seconds (world clock) when the request arrived. */
	receivedAt: number;
	/** Undefined while the answer is still parked. */
	status?: RecordedStatus;
	/** Set when a random fault produced the answer. */
	fault?: FaultKind;
}

/**
 * Overrides the route's default answer for one request; fields left out keep the default, so
 * `{ delaySeconds: 2 }` is "the normal answer, 2 virtual seconds late".
 */
export interface ScriptedResponse {
	status?: number;
	headers?: Record<string, string>;
	/** A string is sent verbatim; anything else is JSON-encoded (JSONEncode turns {} into []). */
	body?: unknown;
	/** Virtual seconds after arrival before answering. */
	delaySeconds?: number;
	/** Never answer: the request waits until the client times out. */
	timeout?: true;
	/** Destroy the connection without answering (HttpError: ConnectionClosed). */
	reset?: true;
}

export interface FaultOptions {
	/** Probability in [0, 1] that a request gets a fault. */
	rate: number;
	/** Same seed and same request order give the same faults. */
	seed: number;
	/** @default all kinds */
	kinds?: FaultKind[];
	/** Retry-After on 429 answers. @default 1 */
	retryAfterSeconds?: number;
	/** @default all routes */
	routes?: FakeRoute[];
}

export interface FlagReason {
	code: string;
	condition_index?: number;
	description?: string;
}

export interface FlagSpec {
	enabled: boolean;
	variant?: string;
	/** Any JSON value; the server sends it JSON-encoded, as PostHog does. */
	payload?: unknown;
	/** @default position in the config, 1-based */
	id?: number;
	/** @default 1 */
	version?: number;
	/** @default condition_match / no_condition_match */
	reason?: FlagReason;
}

/** A full spec, or a shorthand: true/false, or a variant string (enabled). */
export type FlagValue = FlagSpec | boolean | string;

export interface FlagsConfig {
	flags: Record<string, FlagValue>;
	/** Per distinct_id flags, merged over `flags` for that id. */
	byDistinctId?: Record<string, Record<string, FlagValue>>;
	/** "v2": /flags?v=2 `flags` map; "legacy": featureFlags + featureFlagPayloads. @default "v2" */
	shape?: "v2" | "legacy";
	/** Answer with no flags and quotaLimited: ["feature_flags"]. */
	quotaLimited?: boolean;
	errorsWhileComputingFlags?: boolean;
}

export interface CapturedEvent {
	event: string;
	distinct_id?: string;
	properties?: Record<string, unknown>;
	timestamp?: string;
	uuid?: string;
	[key: string]: unknown;
}

export interface BatchBody {
	api_key?: string;
	token?: string;
	batch: CapturedEvent[];
	sent_at?: string;
	historical_migration?: boolean;
}

interface EmulatorHost {
	fakePostHog: (this: void, command: string, argsJson: string) => string;
}

let emulatorHost: EmulatorHost | undefined;

function call<T>(command: string, args: object): T {
	if (emulatorHost === undefined) {
		const module = game.GetService("ReplicatedStorage").WaitForChild("Emulator") as ModuleScript;
		emulatorHost = require(module) as EmulatorHost;
	}
	const result = HttpService.JSONDecode(emulatorHost.fakePostHog(command, HttpService.JSONEncode(args)));
	const failure = (result as { error?: string }).error;
	if (failure !== undefined) throw `FakePostHog ${command}: ${failure}`;
	return result as T;
}

/** One fake PostHog server on the host's loopback; point the SDK's host at `url`. */
export class FakePostHog {
	private constructor(
		private readonly id: number,
		/** Like http://127.0.0.1:PORT (no trailing slash). */
		readonly url: string,
	) {}

	static create(): FakePostHog {
		const created = call<{ id: number; url: string }>("create", {});
		return new FakePostHog(created.id, created.url);
	}

	/**
	 * Every recorded request in arrival order, or only one route's. Long runs read their records in
	 * slices (luau-web fails on host answers over 512 KiB): `afterSeq` skips requests up to that seq,
	 * `limit` caps how many come back.
	 */
	requests(route?: RecordedRoute, afterSeq?: number, limit?: number): RecordedRequest[] {
		return call<RecordedRequest[]>("requests", { id: this.id, route, afterSeq, limit });
	}

	/** Decoded /batch/ bodies, in arrival order (malformed ones skipped). */
	batches(): BatchBody[] {
		const bodies = new Array<BatchBody>();
		for (const request of this.requests("batch")) {
			if (request.json !== undefined) bodies.push(request.json as BatchBody);
		}
		return bodies;
	}

	/** All events across batches, in send order (retries appear again). */
	events(): CapturedEvent[] {
		const events = new Array<CapturedEvent>();
		for (const body of this.batches()) {
			for (const event of body.batch ?? []) events.push(event);
		}
		return events;
	}

	/** Events of the batches answered 2xx: what PostHog ingested (a retried event may appear twice). */
	deliveredEvents(): CapturedEvent[] {
		const events = new Array<CapturedEvent>();
		for (const request of this.requests("batch")) {
			const status = request.status;
			if (!typeIs(status, "number") || status < 200 || status > 299 || request.json === undefined) continue;
			for (const event of (request.json as BatchBody).batch ?? []) events.push(event);
		}
		return events;
	}

	/** Forgets recorded requests (scripts, faults and flags stay). */
	clear() {
		call("clear", { id: this.id });
	}

	/** Replaces the route's queue of scripted responses, consumed one per request. */
	script(route: FakeRoute, responses: ScriptedResponse[]) {
		call("script", { id: this.id, route, responses });
	}

	/** Seeded random faults after the scripts run out; undefined turns them off. */
	faults(options: FaultOptions | undefined) {
		call("faults", options === undefined ? { id: this.id } : { ...options, id: this.id });
	}

	/** What /flags/ answers from now on. */
	flags(config: FlagsConfig) {
		call("flags", { ...config, id: this.id });
	}

	/**
	 * What GET /flags/definitions serves (any `Bearer` key unless apiKey is given). Pass a JSON
	 * string to keep `{}` intact; the etag is sent and compared verbatim (include the quotes).
	 */
	definitions(body: string | object, etag?: string, apiKey?: string) {
		call("definitions", { id: this.id, body, etag, apiKey });
	}

	close() {
		call("close", { id: this.id });
	}
}
