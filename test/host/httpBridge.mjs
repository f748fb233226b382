// Real loopback HTTP for the emulated HttpService, as start/poll so that only the calling Luau
// thread yields. Every method except waitIO is synchronous and leaf-level (luau-web cannot be
// re-entered from JS); structured results cross as JSON strings. Timeouts belong to the Luau side
// (virtual time, then cancel); the wall-clock watchdog here only stops a hung test.

import http from "node:http";
import https from "node:https";
import zlib from "node:zlib";
import { REQUEST_ID_HEADER } from "./fakePostHog.mjs";

// Engine defaults Roblox sends on every request (platform.md §1.2). No content-type: Roblox adds
// none, the caller must.
const ROBLOX_DEFAULT_HEADERS = {
	accept: "*/*",
	"cache-control": "no-cache",
	"user-agent": "RobloxGameCloud/1.0 (+http://www.roblox.com)",
};
const MIN_WATCHDOG_SECONDS = 10;
const DEFAULT_TIMEOUT_SECONDS = 30;

// Module-wide so ids stay unique across bridges sharing one fake registry.
let nextRequestId = 1;

/**
 * `allowRemote` lets requests leave the machine (http and https): `true` to any host, or a list of
 * host names. Only `npm run demo` (true, to a real PostHog) and the compliance adapter (its
 * `--allow-host` list, for a harness mock server in another container) set it; tests never do.
 * `observe` (optional) sees each request start ({ id, method, url, body }) and settle ({ id, status }
 * or { id, error }).
 * @param {{ clock?: { now(): number }, fakes?: { parkedUntil(id: number): number | undefined,
 *   onPark(listener: () => void): () => void, abandon?(id: number): void },
 *   allowRemote?: boolean | string[], observe?: (event: object) => void }} options
 */
export function createHttpBridge({ clock, fakes, allowRemote = false, observe } = {}) {
	const agent = new http.Agent({ keepAlive: true });
	const secureAgent = new https.Agent({ keepAlive: true });
	const inFlight = new Map(); // id -> { req, watchdog }
	let settled = []; // results not yet returned by poll()
	const waiters = new Set();
	const stopListening = fakes?.onPark(wake);

	function wake() {
		const pending = [...waiters];
		waiters.clear();
		for (const resolve of pending) resolve();
	}

	// First outcome wins; later ones (an error after a cancel, a close after the end) are ignored.
	function settle(id, result) {
		const entry = inFlight.get(id);
		if (!entry) return;
		inFlight.delete(id);
		clearTimeout(entry.watchdog);
		settled.push({ id, ...result });
		observe?.(result.ok ? { id, status: result.status } : { id, error: result.error });
		wake();
	}

	function fail(id, error, detail) {
		settle(id, { ok: false, error, detail });
	}

	// A parked request waits on virtual time, so only an unparked one can be "hung".
	function armWatchdog(id, seconds) {
		const entry = inFlight.get(id);
		if (!entry) return;
		entry.watchdog = setTimeout(() => {
			if (fakes?.parkedUntil(id) !== undefined) return armWatchdog(id, seconds);
			entry.req?.destroy();
			fail(id, "HttpError: Timedout", `no response within ${seconds} s of wall time`);
		}, seconds * 1000);
	}

	function start(method, url, headersJson, body, gzip, timeoutSeconds) {
		const id = nextRequestId++;
		inFlight.set(id, { req: undefined, watchdog: undefined });
		const target = parseTarget(url, allowRemote);
		if (target.error) {
			fail(id, target.error, `refused ${url}`);
			return id;
		}

		let req;
		try {
			const headers = { ...ROBLOX_DEFAULT_HEADERS };
			for (const [name, value] of Object.entries(parseHeaders(headersJson)))
				headers[name.toLowerCase()] = String(value);
			let payload = body === undefined || body === null ? undefined : Buffer.from(String(body), "utf8");
			if (payload !== undefined && gzip) {
				payload = zlib.gzipSync(payload);
				headers["content-encoding"] ??= "gzip";
			}
			if (payload !== undefined) headers["content-length"] = String(payload.length);
			if (target.loopback) headers[REQUEST_ID_HEADER] = String(id);
			const { hostname, port, path } = target;
			const options = { method, hostname, port, path, headers };
			req = target.secure ? https.request({ ...options, agent: secureAgent }) : http.request({ ...options, agent });
			observe?.({ id, method, url, body });
			req.end(payload);
		} catch (err) {
			// Bad headers JSON, invalid method or header value: refused before any I/O.
			fail(id, "HttpError: NetFail", err.message);
			return id;
		}
		inFlight.get(id).req = req;
		req.on("response", (res) => {
			const chunks = [];
			res.on("data", (chunk) => chunks.push(chunk));
			res.on("end", () =>
				settle(id, {
					ok: true,
					status: res.statusCode,
					statusMessage: res.statusMessage,
					headers: flattenHeaders(res.headers),
					body: Buffer.concat(chunks).toString("utf8"),
				}),
			);
			res.on("close", () => {
				if (!res.complete) fail(id, "HttpError: ConnectionClosed", "response cut short");
			});
		});
		req.on("error", (err) => fail(id, transportError(err), `${err.code ?? ""} ${err.message}`.trim()));
		armWatchdog(id, Math.max(Number(timeoutSeconds) || DEFAULT_TIMEOUT_SECONDS, MIN_WATCHDOG_SECONDS));
		return id;
	}

	function cancel(id) {
		const entry = inFlight.get(id);
		if (entry) {
			inFlight.delete(id);
			clearTimeout(entry.watchdog);
			entry.req?.destroy();
			fakes?.abandon?.(id);
		}
		settled = settled.filter((result) => result.id !== id);
	}

	return {
		start,

		/** JSON array of results settled since the last poll. */
		poll() {
			const out = settled;
			settled = [];
			return JSON.stringify(out);
		},

		/** Aborts a request; it is never reported, even if it had already settled. */
		cancel,

		/**
		 * JSON {inFlight, unsettled, nextParkedWake, ready}. Virtual time may advance only when
		 * unsettled is 0. A parked request whose wake time has already come counts as unsettled:
		 * its answer is being written.
		 */
		status() {
			const now = clock ? clock.now() : -Infinity;
			let unsettled = 0;
			let nextParkedWake = null;
			for (const id of inFlight.keys()) {
				const until = fakes?.parkedUntil(id);
				if (until === undefined || until <= now) unsettled++;
				else if (until !== Infinity && (nextParkedWake === null || until < nextParkedWake)) nextParkedWake = until;
			}
			return JSON.stringify({ inFlight: inFlight.size, unsettled, nextParkedWake, ready: settled.length });
		},

		/**
		 * Resolves true as soon as a request settles or gets parked (at once if results are
		 * waiting for poll), false after maxMs. Also usable as a plain sleep when nothing is in
		 * flight.
		 */
		waitIO(maxMs) {
			if (settled.length > 0) return Promise.resolve(true);
			return new Promise((resolve) => {
				const onWake = () => {
					clearTimeout(timer);
					resolve(true);
				};
				const timer = setTimeout(
					() => {
						waiters.delete(onWake);
						resolve(false);
					},
					Math.max(0, Number(maxMs) || 0),
				);
				waiters.add(onWake);
			});
		},

		/** Aborts everything and frees sockets (end of a test run). */
		close() {
			for (const id of [...inFlight.keys()]) cancel(id);
			settled = [];
			stopListening?.();
			agent.destroy();
			secureAgent.destroy();
			wake();
		},
	};
}

// Loopback only: the tests must never reach the network. Anything else fails the way an
// unresolvable host does on Roblox, unless allowRemote allows it (the demo; the adapter's --allow-host).
function parseTarget(url, allowRemote) {
	let parsed;
	try {
		parsed = new URL(String(url));
	} catch {
		return { error: "HttpError: InvalidUrl" };
	}
	if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return { error: "HttpError: InvalidUrl" };
	const host = parsed.hostname;
	const loopback = host === "localhost" || host === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(host);
	const remoteAllowed = Array.isArray(allowRemote)
		? allowRemote.some((allowed) => String(allowed).toLowerCase() === host.toLowerCase())
		: allowRemote === true;
	if (!loopback && !remoteAllowed) return { error: "HttpError: DnsResolve" };
	const secure = parsed.protocol === "https:";
	// Fake servers speak plain HTTP only.
	if (secure && loopback) return { error: "HttpError: SslConnectFail" };
	return {
		loopback,
		secure,
		hostname: host.replace(/^\[|\]$/g, ""),
		port: parsed.port || (secure ? 443 : 80),
		path: parsed.pathname + parsed.search,
	};
}

// Luau's JSONEncode turns an empty headers table into "[]".
function parseHeaders(headersJson) {
	if (!headersJson) return {};
	const parsed = JSON.parse(headersJson);
	return parsed && typeof parsed === "object" && !Array.isArray(parsed) ? parsed : {};
}

function flattenHeaders(headers) {
	return Object.fromEntries(
		Object.entries(headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(", ") : String(value)]),
	);
}

// Node error codes -> Roblox HttpError names (platform.md §1.4).
function transportError(err) {
	switch (err.code) {
		case "ECONNREFUSED":
			return "HttpError: ConnectFail";
		case "ECONNRESET":
		case "EPIPE":
		case "ECONNABORTED":
		case "ERR_STREAM_PREMATURE_CLOSE":
			return "HttpError: ConnectionClosed";
		case "ENOTFOUND":
		case "EAI_AGAIN":
			return "HttpError: DnsResolve";
		default:
			return "HttpError: NetFail";
	}
}
