// Fake PostHog servers on 127.0.0.1 ephemeral ports: /batch/, /flags/ and /flags/definitions,
// recording every request and answering from configuration, per-route scripts or seeded random
// faults. Delays are in VIRTUAL time (the shared clock): a delayed or timed-out request is
// "parked", which the HTTP bridge reads through parkedUntil() so the emulator knows it may advance
// time. Wire shapes follow /work/shared/notes/posthog-protocol.md §2, §5, §9.

import http from "node:http";
import zlib from "node:zlib";

/** Header the HTTP bridge adds so a parked request can be matched to its bridge id. */
export const REQUEST_ID_HEADER = "x-emulator-request-id";

const ROUTE_METHODS = { batch: "POST", flags: "POST", definitions: "GET" };
const ROUTES = Object.keys(ROUTE_METHODS);
const FAULT_KINDS = ["500", "502", "503", "429", "408", "timeout", "reset"];
const EMPTY_DEFINITIONS = '{"flags":[],"group_type_mapping":{},"cohorts":{}}';

export function createFakePostHogRegistry({ clock }) {
	const servers = new Map(); // id -> fake
	const parked = new Map(); // bridge request id -> virtual wake time (Infinity = never)
	const abandonHandlers = new Map(); // bridge request id -> marks the parked request abandoned
	const parkListeners = new Set();
	let nextServerId = 1;

	const parking = {
		park(requestId, until, onAbandon) {
			if (requestId === undefined) return;
			parked.set(requestId, until);
			abandonHandlers.set(requestId, onAbandon);
			for (const listener of parkListeners) listener(requestId, until);
		},
		unpark(requestId) {
			if (requestId === undefined) return;
			parked.delete(requestId);
			abandonHandlers.delete(requestId);
		},
	};

	async function create() {
		const id = nextServerId++;
		const fake = await startFakeServer(id, clock, parking);
		servers.set(id, fake);
		fake.onClose(() => servers.delete(id));
		return fake;
	}

	function get(id) {
		const fake = servers.get(Number(id));
		if (!fake) throw new Error(`no fake PostHog server with id ${id}`);
		return fake;
	}

	function closeAll() {
		for (const fake of [...servers.values()]) fake.close();
	}

	// Control surface for the Luau side: JSON in, JSON out; failures come back as {error}
	// because a JS exception must not unwind through the VM.
	const commands = {
		create: async () => {
			const fake = await create();
			return { id: fake.id, url: fake.url };
		},
		requests: (a) => get(a.id).requests(a.route, a.afterSeq, a.limit),
		clear: (a) => get(a.id).clear(),
		script: (a) => get(a.id).script(a.route, a.responses),
		faults: (a) => get(a.id).faults(a.rate === undefined ? null : a),
		flags: (a) => get(a.id).flags(a),
		definitions: (a) => get(a.id).definitions(a.body, a.etag, a.apiKey),
		close: (a) => get(a.id).close(),
		closeAll: () => closeAll(),
	};

	function command(name, argsJson) {
		const encode = (result) => JSON.stringify(result === undefined ? { ok: true } : result);
		const fail = (err) => JSON.stringify({ error: String(err?.message ?? err) });
		try {
			const handler = commands[name];
			if (!handler) throw new Error(`unknown fake PostHog command "${name}"`);
			const args = argsJson ? JSON.parse(argsJson) : {};
			const result = handler(Array.isArray(args) ? {} : args);
			return result instanceof Promise ? result.then(encode, fail) : encode(result);
		} catch (err) {
			return fail(err);
		}
	}

	return {
		create,
		get,
		closeAll,
		command,
		/** Virtual time a request is parked until, Infinity for never, undefined if not parked. */
		parkedUntil: (requestId) => parked.get(requestId),
		/**
		 * The client gave up on a request (the bridge cancelled it after a virtual timeout): a
		 * parked one is settled now, not when its socket close reaches the server, so the record
		 * reads "aborted" as soon as the client has given up and a delayed answer is never sent.
		 */
		abandon(requestId) {
			const onAbandon = abandonHandlers.get(requestId);
			parking.unpark(requestId);
			onAbandon?.();
		},
		/** Subscribes to "a request just got parked"; returns an unsubscribe function. */
		onPark(listener) {
			parkListeners.add(listener);
			return () => parkListeners.delete(listener);
		},
	};
}

async function startFakeServer(id, clock, parking) {
	let seq = 0;
	let records = [];
	const scripts = { batch: [], flags: [], definitions: [] };
	let faults = null; // { rate, kinds, retryAfterSeconds, routes, random }
	let flagsConfig = { flags: {}, byDistinctId: {}, shape: "v2" };
	let definitions = { body: EMPTY_DEFINITIONS, etag: undefined, apiKey: undefined };
	const pendingTimers = new Set();
	const closeListeners = [];

	const server = http.createServer((req, res) => {
		const receivedAt = clock.now();
		const chunks = [];
		req.on("data", (chunk) => chunks.push(chunk));
		req.on("end", () => handle(req, res, Buffer.concat(chunks), receivedAt));
	});
	// Keep-alive sockets must outlive long virtual waits; close() destroys them explicitly.
	server.keepAliveTimeout = 0;
	server.requestTimeout = 0;
	await new Promise((resolve, reject) => {
		server.once("error", reject);
		server.listen(0, "127.0.0.1", resolve);
	});
	const url = `http://127.0.0.1:${server.address().port}`;

	function handle(req, res, raw, receivedAt) {
		const record = recordRequest(req, raw, receivedAt);
		const requestId = req.headers[REQUEST_ID_HEADER] ? Number(req.headers[REQUEST_ID_HEADER]) : undefined;
		const answer = mergeAnswer(defaultAnswer(record), pickScriptedOrFault(record));

		let cancelTimer;
		// Still unanswered: the client went away first (bridge cancel after a virtual timeout).
		const abandon = () => {
			if (record.status === null) record.status = "aborted";
			cancelTimer?.();
			pendingTimers.delete(cancelTimer);
		};
		res.on("close", () => {
			abandon();
			parking.unpark(requestId);
		});

		if (answer.reset) {
			record.status = "reset";
			req.socket.destroy();
			return;
		}
		if (answer.timeout) {
			record.status = "timeout";
			parking.park(requestId, Infinity, abandon);
			return;
		}
		const send = () => {
			parking.unpark(requestId);
			pendingTimers.delete(cancelTimer);
			record.status = Number(answer.status);
			const body =
				answer.body === undefined ? "" : typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body);
			const headers = {
				...(body !== "" ? { "content-type": "application/json" } : {}),
				...lowercaseKeys(answer.headers),
			};
			res.writeHead(record.status, headers);
			res.end(body);
		};
		const delay = Number(answer.delaySeconds ?? 0);
		if (delay > 0) {
			const at = receivedAt + delay;
			cancelTimer = clock.schedule(at, send);
			pendingTimers.add(cancelTimer);
			parking.park(requestId, at, abandon);
		} else {
			send();
		}
	}

	function recordRequest(req, raw, receivedAt) {
		const parsedUrl = new URL(req.url, url);
		const headers = { ...req.headers };
		delete headers[REQUEST_ID_HEADER];
		const query = Object.fromEntries(parsedUrl.searchParams);
		// Capture decompresses on the header, ?compression=gzip, or the gzip magic bytes (§4).
		const gzip =
			/gzip/i.test(headers["content-encoding"] ?? "") ||
			/^gzip/.test(query.compression ?? "") ||
			(raw.length >= 2 && raw[0] === 0x1f && raw[1] === 0x8b);
		let bodyText = null;
		try {
			bodyText = (gzip ? zlib.gunzipSync(raw) : raw).toString("utf8");
		} catch {
			// Undecodable gzip: json stays null and the route answers 400.
		}
		let json = null;
		try {
			json = bodyText ? JSON.parse(bodyText) : null;
		} catch {
			// Malformed JSON: same as above.
		}
		const record = {
			seq: ++seq,
			route: routeOf(parsedUrl.pathname),
			method: req.method,
			path: parsedUrl.pathname,
			query,
			headers,
			gzip,
			bytes: raw.length,
			bodyText,
			json,
			receivedAt,
			status: null,
		};
		records.push(record);
		return record;
	}

	// Scripted responses win over faults; both override fields of the route's default answer,
	// so `{delaySeconds: 2}` alone means "the normal answer, late".
	function pickScriptedOrFault(record) {
		const queue = scripts[record.route];
		if (queue?.length) return queue.shift();
		if (!faults || !faults.routes.includes(record.route) || faults.random() >= faults.rate) return {};
		const kind = faults.kinds[Math.floor(faults.random() * faults.kinds.length)];
		record.fault = kind;
		if (kind === "timeout") return { timeout: true };
		if (kind === "reset") return { reset: true };
		const status = Number(kind);
		return {
			status,
			headers: status === 429 ? { "retry-after": String(faults.retryAfterSeconds) } : {},
			body: { type: "fake_fault", code: kind, detail: `injected ${kind}` },
		};
	}

	function defaultAnswer(record) {
		if (record.route in ROUTE_METHODS && record.method !== ROUTE_METHODS[record.route]) {
			return { status: 405, body: { type: "fake", code: "method_not_allowed", detail: record.method } };
		}
		switch (record.route) {
			case "batch":
				return record.json && typeof record.json === "object" ? { status: 200, body: { status: 1 } } : badRequest();
			case "flags":
				return record.json && typeof record.json === "object"
					? { status: 200, body: flagsResponse(flagsConfig, record.json, record.seq) }
					: badRequest();
			case "definitions":
				return definitionsAnswer(record);
			default:
				return { status: 404, body: { type: "fake", code: "not_found", detail: record.path } };
		}
	}

	function definitionsAnswer(record) {
		const auth = /^Bearer (.+)$/.exec(record.headers.authorization ?? "");
		if (!auth || (definitions.apiKey !== undefined && auth[1] !== definitions.apiKey)) {
			return { status: 401, body: { type: "authentication_error", code: "not_authenticated" } };
		}
		const etagHeader = definitions.etag !== undefined ? { etag: definitions.etag } : {};
		if (definitions.etag !== undefined && record.headers["if-none-match"] === definitions.etag) {
			return { status: 304, headers: etagHeader };
		}
		return { status: 200, headers: etagHeader, body: definitions.body };
	}

	const fake = {
		id,
		url,
		port: server.address().port,
		/**
		 * afterSeq, limit: only the first `limit` requests that arrived after request `afterSeq`. Long
		 * runs read their records in slices: luau-web fails on host answers over 512 KiB.
		 */
		requests: (route, afterSeq = 0, limit = Infinity) =>
			records.filter((r) => (!route || r.route === route) && r.seq > afterSeq).slice(0, limit),
		clear() {
			records = [];
		},
		script(route, responses) {
			if (!ROUTES.includes(route)) throw new Error(`unknown route "${route}" (use ${ROUTES.join(", ")})`);
			scripts[route] = [...(responses ?? [])];
		},
		/** null/undefined disables. Same seed + same request order = same faults. */
		faults(options) {
			if (!options) {
				faults = null;
				return;
			}
			const kinds = options.kinds?.length ? options.kinds.map(String) : FAULT_KINDS;
			for (const kind of kinds) {
				if (!FAULT_KINDS.includes(kind)) throw new Error(`unknown fault kind "${kind}"`);
			}
			faults = {
				rate: Number(options.rate),
				kinds,
				retryAfterSeconds: options.retryAfterSeconds ?? 1,
				routes: options.routes?.length ? options.routes : ROUTES,
				random: mulberry32(Number(options.seed ?? 1)),
			};
		},
		flags(config) {
			flagsConfig = {
				flags: asObject(config.flags),
				byDistinctId: asObject(config.byDistinctId),
				shape: config.shape ?? "v2",
				quotaLimited: config.quotaLimited,
				errorsWhileComputingFlags: config.errorsWhileComputingFlags ?? false,
			};
		},
		/** body: a JSON string served verbatim, or a value to encode. The etag is compared verbatim. */
		definitions(body, etag, apiKey) {
			definitions = {
				body: body === undefined ? EMPTY_DEFINITIONS : body,
				etag: etag ?? undefined,
				apiKey: apiKey ?? undefined,
			};
		},
		close() {
			for (const cancel of pendingTimers) cancel();
			pendingTimers.clear();
			server.close();
			server.closeAllConnections();
			for (const listener of closeListeners) listener();
		},
		onClose: (listener) => closeListeners.push(listener),
	};
	return fake;
}

function routeOf(path) {
	if (path === "/batch" || path === "/batch/") return "batch";
	if (path === "/flags/definitions" || path === "/flags/definitions/") return "definitions";
	if (path === "/flags" || path === "/flags/") return "flags";
	return "other";
}

// An override replaces fields of the default answer; a different status without a body gets a
// small error body (4xx/5xx) or none, rather than the default's success body.
function mergeAnswer(base, override) {
	const merged = { ...base, ...override };
	if (override.status !== undefined && override.status !== base.status && override.body === undefined) {
		merged.body =
			override.status >= 400 ? { type: "fake", code: String(override.status), detail: "scripted" } : undefined;
	}
	return merged;
}

function badRequest() {
	return { status: 400, body: { type: "validation_error", code: "invalid_payload", detail: "malformed JSON" } };
}

// Builds the /flags answer for one request body: per-distinct_id overrides on top of the base
// flags, restricted to flag_keys_to_evaluate when given (as the server does).
function flagsResponse(config, request, seq) {
	const overrides = asObject(config.byDistinctId[request.distinct_id]);
	const specs = { ...config.flags, ...overrides };
	const wanted =
		Array.isArray(request.flag_keys_to_evaluate) && request.flag_keys_to_evaluate.length > 0
			? new Set(request.flag_keys_to_evaluate)
			: null;
	const entries = config.quotaLimited
		? []
		: Object.entries(specs)
				.map(([key, spec], index) => [key, normalizeFlag(spec, index)])
				.filter(([key]) => !wanted || wanted.has(key));
	const extra = config.quotaLimited ? { quotaLimited: ["feature_flags"] } : {};
	const errorsWhileComputingFlags = Boolean(config.errorsWhileComputingFlags);

	if (config.shape === "legacy") {
		const featureFlags = {};
		const featureFlagPayloads = {};
		for (const [key, flag] of entries) {
			featureFlags[key] = flag.variant ?? flag.enabled;
			if (flag.payload !== undefined) featureFlagPayloads[key] = JSON.stringify(flag.payload);
		}
		return { featureFlags, featureFlagPayloads, errorsWhileComputingFlags, ...extra };
	}
	const flags = {};
	for (const [key, flag] of entries) {
		const metadata = { id: flag.id, version: flag.version };
		if (flag.payload !== undefined) metadata.payload = JSON.stringify(flag.payload);
		flags[key] = { key, enabled: flag.enabled, variant: flag.variant ?? null, reason: flag.reason, metadata };
	}
	const requestId = `00000000-0000-4000-8000-${String(seq).padStart(12, "0")}`;
	return { flags, errorsWhileComputingFlags, ...extra, requestId };
}

// A flag spec is {enabled, variant?, payload?, id?, version?, reason?}; `true`, `false` or a
// variant string are accepted as shorthands.
function normalizeFlag(spec, index) {
	if (typeof spec !== "object" || spec === null)
		spec = typeof spec === "string" ? { enabled: true, variant: spec } : { enabled: Boolean(spec) };
	const enabled = Boolean(spec.enabled);
	return {
		enabled,
		variant: spec.variant ?? undefined,
		payload: spec.payload,
		id: spec.id ?? index + 1,
		version: spec.version ?? 1,
		reason:
			spec.reason ??
			(enabled
				? { code: "condition_match", condition_index: 0, description: "Condition set 1 matched" }
				: { code: "no_condition_match", condition_index: null, description: "No matching condition set" }),
	};
}

// Luau's JSONEncode turns an empty table into [], so an empty array stands for an empty object.
function asObject(value) {
	return value && typeof value === "object" && !Array.isArray(value) ? value : {};
}

function lowercaseKeys(headers) {
	return Object.fromEntries(Object.entries(asObject(headers)).map(([k, v]) => [k.toLowerCase(), String(v)]));
}

// Small seeded PRNG (mulberry32): deterministic fault sequences for a given seed.
function mulberry32(seed) {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
