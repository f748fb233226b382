// The PostHog SDK compliance adapter (posthog-protocol.md §14; PostHog/posthog-sdk-test-harness
// CONTRACT.yaml): a small REST server the harness drives. Each POST /init starts a fresh real-time
// world with a game server running the SDK build (sdkHost.mjs, driver.luau), so the SDK's own
// timers, retries and HttpService requests run on the wall clock against the host the harness gives.
// requests_made in GET /state is observed where the emulated HttpService hands requests to Node
// (the HTTP bridge), not reported by the SDK. See adapter/README.md for the mapping of options.
import http from "node:http";
import fs from "node:fs";
import { fileURLToPath } from "node:url";
import { startSdkHost } from "./sdkHost.mjs";

export const ADAPTER_VERSION = "1.0.0";
const packageJson = JSON.parse(fs.readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"));
/** PostHog:Init accepts flushIntervalSeconds >= 1 only. */
const MIN_FLUSH_INTERVAL_SECONDS = 1;
/** PostHog:Init accepts maxRetries 0–10. */
const MAX_RETRIES_LIMIT = 10;
/** How often POST /flush looks at the queue while it waits, in ms. */
const FLUSH_POLL_MS = 10;

class HttpError extends Error {
	constructor(status, message) {
		super(message);
		this.status = status;
	}
}

function isBatchRequest(method, url) {
	try {
		return method === "POST" && /^\/batch\/?$/.test(new URL(url).pathname);
	} catch {
		return false;
	}
}

/** Parses a /batch/ body as the SDK wrote it (before gzip): the events' uuids. */
function uuidsOfBody(body) {
	try {
		const batch = JSON.parse(body).batch;
		return Array.isArray(batch) ? batch.map((event) => String(event?.uuid ?? "")) : [];
	} catch {
		return [];
	}
}

/**
 * Records the /batch/ requests the emulator's HTTP bridge makes (its observe hook): when each
 * started, its events, how it ended. retry_attempt is how many earlier requests carried any of its
 * events.
 */
function createRequestLog() {
	const log = {
		requests: [],
		byBridgeId: new Map(),
		attempts: new Map(), // uuid -> requests that carried it
		lastError: null,
		reset() {
			this.requests = [];
			this.byBridgeId.clear();
			this.attempts.clear();
			this.lastError = null;
		},
		/** The bridge's observe callback: { id, method, url, body } on start, { id, status | error } on settle. */
		observe(event) {
			if (event.method !== undefined) {
				if (isBatchRequest(event.method, event.url)) log.started(event.id, uuidsOfBody(event.body ?? ""));
			} else if (event.status !== undefined) {
				log.settled(event.id, { status_code: event.status });
			} else {
				log.settled(event.id, { status_code: 0, error: event.error });
			}
		},
		started(id, uuids) {
			let retryAttempt = 0;
			for (const uuid of uuids) retryAttempt = Math.max(retryAttempt, log.attempts.get(uuid) ?? 0);
			for (const uuid of uuids) log.attempts.set(uuid, (log.attempts.get(uuid) ?? 0) + 1);
			const entry = {
				timestamp_ms: Date.now(),
				status_code: 0,
				retry_attempt: retryAttempt,
				event_count: uuids.length,
				uuid_list: uuids,
			};
			log.requests.push(entry);
			log.byBridgeId.set(id, entry);
		},
		settled(id, fields) {
			const entry = log.byBridgeId.get(id);
			if (entry === undefined) return;
			log.byBridgeId.delete(id);
			Object.assign(entry, fields);
			if (entry.status_code < 200 || entry.status_code > 299) {
				log.lastError = entry.error ?? `HTTP ${entry.status_code}`;
			}
		},
	};
	return log;
}

/** The bridge reports no settle for a request the SDK gave up on (its timeout): record it as one. */
function recordTimeouts(bridge, log) {
	const cancel = bridge.cancel;
	bridge.cancel = (id) => {
		log.settled(id, { status_code: 0, error: "HttpError: Timedout" });
		return cancel(id);
	};
}

/** POST /init body -> PostHog:Init options, and notes on what was changed to fit the SDK. */
export function initOptions(body) {
	const notes = [];
	if (typeof body.api_key !== "string" || body.api_key === "") throw new HttpError(400, "api_key is required");
	if (typeof body.host !== "string" || body.host === "") throw new HttpError(400, "host is required");
	const options = { apiKey: body.api_key, host: body.host };
	if (body.flush_at != null) options.flushAt = Math.max(1, Math.floor(Number(body.flush_at)));
	if (body.flush_interval_ms != null) {
		const seconds = Number(body.flush_interval_ms) / 1000;
		options.flushIntervalSeconds = Math.max(MIN_FLUSH_INTERVAL_SECONDS, seconds);
		if (seconds < MIN_FLUSH_INTERVAL_SECONDS) {
			notes.push(
				`flush_interval_ms ${body.flush_interval_ms} raised to ${MIN_FLUSH_INTERVAL_SECONDS * 1000} (the SDK's minimum)`,
			);
		}
	}
	if (body.max_retries != null) {
		const retries = Math.floor(Number(body.max_retries));
		options.maxRetries = Math.min(MAX_RETRIES_LIMIT, Math.max(0, retries));
		if (options.maxRetries !== retries) notes.push(`max_retries ${retries} clamped to ${options.maxRetries}`);
	}
	if (body.enable_compression != null) options.enableCompression = Boolean(body.enable_compression);
	return { options, notes };
}

/**
 * @param {{ sdk?: "auto" | "model" | "test", allowHosts?: string[], echoWorldOutput?: boolean,
 *   flushTimeoutMs?: number }} options
 */
export async function createAdapter({
	sdk = "auto",
	allowHosts = [],
	echoWorldOutput = false,
	flushTimeoutMs = 60_000,
} = {}) {
	const log = createRequestLog();
	const host = await startSdkHost({ sdk, allowHosts, echoWorldOutput, observeHttp: (event) => log.observe(event) });
	recordTimeouts(host.vm.bridge, log);

	async function driver(op, fields) {
		const result = await host.call(op, fields);
		if (result.ok === false) throw new HttpError(result.notBuilt ? 501 : 400, result.error);
		return result;
	}

	function sentEvents() {
		let sent = 0;
		for (const request of log.requests) {
			if (request.status_code >= 200 && request.status_code <= 299) sent += request.event_count;
		}
		return sent;
	}

	const routes = {
		"GET /health": async () => {
			return {
				sdk_name: "posthog-rbx",
				sdk_version: packageJson.version,
				adapter_version: ADAPTER_VERSION,
				capabilities: ["capture_v0", "encoding_gzip", ...(host.build.hasFlags ? ["feature_flags"] : [])],
				supports_parallel: false,
				sdk_build: host.build.label,
			};
		},
		"POST /init": async (body) => {
			const { options, notes } = initOptions(body);
			log.reset();
			// Server SDKs default $geoip_disable to true; the harness expects an omitted
			// disable_geoip to mean false, so adapters start with GeoIP on (posthog-protocol.md §9).
			const geoipDisable = typeof body.disable_geoip === "boolean" ? body.disable_geoip : false;
			const result = await driver("init", { options, geoipDisable });
			return {
				success: true,
				notes,
				geoip_option: result.geoipOption ?? null,
				disable_geoip: result.geoipDisable ?? null,
			};
		},
		"POST /capture": async (body) => {
			if (typeof body.distinct_id !== "string" || body.distinct_id === "") {
				throw new HttpError(400, "distinct_id is required");
			}
			if (typeof body.event !== "string" || body.event === "") throw new HttpError(400, "event is required");
			const fields = { distinct_id: body.distinct_id, event: body.event };
			if (body.properties != null) fields.properties = body.properties;
			if (body.timestamp != null) fields.timestamp = body.timestamp;
			const result = await driver("capture", fields);
			return { success: true, uuid: result.uuid };
		},
		"POST /flush": async () => {
			const before = sentEvents();
			await driver("flush");
			const deadline = performance.now() + flushTimeoutMs;
			let stats = await driver("stats");
			// Sent, or parked: the batch used up its retries and waits for the next delivery round.
			while (stats.pending > 0 && stats.parked === 0 && performance.now() < deadline) {
				await new Promise((resolve) => setTimeout(resolve, FLUSH_POLL_MS));
				stats = await driver("stats");
			}
			// The last answer may still sit in the bridge: let the world take it.
			await new Promise((resolve) => setTimeout(resolve, FLUSH_POLL_MS));
			return { success: true, events_flushed: sentEvents() - before, pending_events: stats.pending };
		},
		"GET /state": async () => {
			const stats = await driver("stats");
			return {
				pending_events: stats.pending,
				total_events_captured: stats.captured,
				total_events_sent: sentEvents(),
				total_retries: log.requests.filter((request) => request.retry_attempt > 0).length,
				last_error: log.lastError,
				requests_made: log.requests.map(({ timestamp_ms, status_code, retry_attempt, event_count, uuid_list }) => ({
					timestamp_ms,
					status_code,
					retry_attempt,
					event_count,
					uuid_list,
				})),
			};
		},
		"POST /get_feature_flag": async (body) => {
			if (typeof body.key !== "string" || body.key === "") throw new HttpError(400, "key is required");
			if (typeof body.distinct_id !== "string" || body.distinct_id === "") {
				throw new HttpError(400, "distinct_id is required");
			}
			const result = await driver("flag", body);
			return { success: true, value: result.value ?? null, flag: result.flag ?? null };
		},
		"POST /reset": async () => {
			await driver("reset");
			log.reset();
			return { success: true };
		},
	};

	async function handle(req, res) {
		const chunks = [];
		for await (const chunk of req) chunks.push(chunk);
		const path = new URL(req.url, "http://adapter").pathname.replace(/\/+$/, "") || "/";
		const route = routes[`${req.method} ${path}`];
		let status = 200;
		let payload;
		try {
			if (route === undefined) throw new HttpError(404, `no route ${req.method} ${path}`);
			const text = Buffer.concat(chunks).toString("utf8");
			let body = {};
			if (text.trim() !== "") {
				try {
					body = JSON.parse(text) ?? {};
				} catch {
					throw new HttpError(400, "the body is not JSON");
				}
			}
			payload = await route(body);
		} catch (err) {
			status = err instanceof HttpError ? err.status : 500;
			payload = { success: false, error: String(err?.message ?? err) };
		}
		const json = JSON.stringify(payload);
		res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(json) });
		res.end(json);
	}

	const server = http.createServer((req, res) => {
		handle(req, res).catch((err) => {
			res.writeHead(500, { "content-type": "application/json" });
			res.end(JSON.stringify({ success: false, error: String(err) }));
		});
	});

	return {
		build: host.build,
		/** Starts listening; resolves the bound port. */
		listen(port = 0, hostname = "127.0.0.1") {
			return new Promise((resolve, reject) => {
				server.once("error", reject);
				server.listen(port, hostname, () => resolve(server.address().port));
			});
		},
		async close() {
			server.closeAllConnections?.();
			await new Promise((resolve) => server.close(resolve));
			await host.close();
		},
	};
}
