// Keeps the flag definitions for local evaluation fresh: GET {host}/flags/definitions with the
// feature-flags secure key, ETag/304, polled on the Scheduler (posthog-protocol §12). What each
// answer means is decided by handleDefinitionsResponse; the class sends, stores and schedules.
// Pure: HTTP, time and JSON come from the platform.

import { Logger } from "../Logger";
import { Cancel, Clock, HttpClient, HttpRequest, HttpResult, Json, Scheduler } from "../platform";
import { FlagDefinitions } from "./FlagDefinition";
import { parseFlagDefinitions } from "./parseFlagDefinitions";

/** Definitions can be large: a longer timeout than /flags. */
export const DEFINITIONS_REQUEST_TIMEOUT_SECONDS = 10;
/** Longest wait between attempts while failing, unless the poll interval itself is longer. */
export const DEFAULT_MAX_BACKOFF_SECONDS = 300;

export interface DefinitionsRequestInput {
	/** Ingestion host without a trailing slash. */
	host: string;
	/** The project API key ("phc_..."), sent as `token`. */
	projectApiKey: string;
	/** Feature flags secure key ("phs_...") or personal API key ("phx_..."). Server-side only. */
	secretKey: string;
	/** The ETag of the definitions held, if any. */
	etag?: string;
}

/** What a definitions answer means for the definitions held. */
export type DefinitionsAction =
	| { kind: "store"; definitions: FlagDefinitions; etag?: string; body: string }
	/** 304: the held definitions are current. */
	| { kind: "keep"; etag?: string }
	/** Drop the held definitions (flags go remote) and back off. */
	| { kind: "clear"; reason: "unauthorized" | "quotaLimited"; status: number }
	/** Keep the held definitions and back off. */
	| { kind: "retryLater"; reason: string };

export type DefinitionsPollOutcome = DefinitionsAction["kind"] | "busy";

function percentEncode(text: string): string {
	return text.gsub("[^%w%-_%.~]", (char: string) => string.format("%%%02X", char.byte()[0]))[0];
}

export function buildDefinitionsRequest(input: DefinitionsRequestInput): HttpRequest {
	const headers: Record<string, string> = { authorization: `Bearer ${input.secretKey}` };
	if (input.etag !== undefined) headers["if-none-match"] = input.etag;
	return {
		url: `${input.host}/flags/definitions?token=${percentEncode(input.projectApiKey)}&send_cohorts`,
		method: "GET",
		headers,
		gzip: false,
		timeoutSeconds: DEFINITIONS_REQUEST_TIMEOUT_SECONDS,
	};
}

/**
 * 200 stores the definitions and ETag; 304 keeps them. 401/403 (bad key) and 402 (over quota) clear
 * them, so flags are evaluated remotely rather than from stale rules; 429, 5xx, transport errors and
 * unreadable bodies keep the last good ones. Every failure doubles the poller's next delay, up to
 * maxBackoffSeconds: thousands of game servers share one project's rate limit.
 */
export function handleDefinitionsResponse(result: HttpResult, json: Json): DefinitionsAction {
	if (result.kind === "error") return { kind: "retryLater", reason: result.message };
	const status = result.status;
	const etag = result.headers.etag;
	if (status === 304) return { kind: "keep", etag };
	if (status === 401 || status === 403) return { kind: "clear", reason: "unauthorized", status };
	if (status === 402) return { kind: "clear", reason: "quotaLimited", status };
	if (status < 200 || status >= 300) return { kind: "retryLater", reason: `HTTP ${status}` };
	const [ok, decoded] = pcall(() => json.decode(result.body));
	if (!ok) return { kind: "retryLater", reason: "the body is not JSON" };
	const parsed = parseFlagDefinitions(decoded, json);
	if (parsed.kind === "invalid") return { kind: "retryLater", reason: parsed.reason };
	return { kind: "store", definitions: parsed.definitions, etag, body: result.body };
}

export interface FlagDefinitionsPollerOptions {
	host: string;
	projectApiKey: string;
	secretKey: string;
	/** Seconds between polls while healthy. Each poll costs 10 /flags requests' worth of billing. */
	pollIntervalSeconds: number;
	/** @default DEFAULT_MAX_BACKOFF_SECONDS */
	maxBackoffSeconds?: number;
	/** Called after the held definitions change (stored or cleared), e.g. to reset flag-call dedupe. */
	onChange?: (definitions: FlagDefinitions | undefined) => void;
}

export interface FlagDefinitionsPollerDeps {
	http: HttpClient;
	scheduler: Scheduler;
	clock: Clock;
	json: Json;
	logger: Logger;
}

export class FlagDefinitionsPoller {
	private definitions?: FlagDefinitions;
	/** The JSON text the held definitions were read from (shared with other servers). */
	private body?: string;
	private loadedAtMillis?: number;
	private etag?: string;
	private failures = 0;
	private isPolling = false;
	private isRunning = false;
	private cancelNext?: Cancel;

	constructor(
		private readonly options: FlagDefinitionsPollerOptions,
		private readonly deps: FlagDefinitionsPollerDeps,
	) {}

	/** The definitions held, or undefined before the first load and after a clear. */
	getDefinitions(): FlagDefinitions | undefined {
		return this.definitions;
	}

	/** Unix milliseconds of the last 200 or 304 (`$feature_flag_definitions_loaded_at`). */
	getLoadedAtMillis(): number | undefined {
		return this.definitions === undefined ? undefined : this.loadedAtMillis;
	}

	/** The JSON text of the held definitions, or undefined when none are held. */
	getBody(): string | undefined {
		return this.definitions === undefined ? undefined : this.body;
	}

	/** The ETag of the held definitions, if PostHog sent one. */
	getEtag(): string | undefined {
		return this.etag;
	}

	/**
	 * Holds definitions another server fetched (the shared copy): the body is read like a 200's.
	 * Returns false, keeping what is held, when it cannot be read.
	 */
	adopt(body: string, etag: string | undefined, loadedAtMillis: number): boolean {
		const response: HttpResult = { kind: "response", status: 200, headers: {}, body };
		const action = handleDefinitionsResponse(response, this.deps.json);
		if (action.kind !== "store") return false;
		this.deps.logger.debug("FLAG_DEFINITIONS_SHARED", { count: action.definitions.flags.size() });
		this.hold(action.definitions, body, etag, loadedAtMillis);
		return true;
	}

	/** Drops the held definitions because the server polling for all of them was refused (401/402/403). */
	adoptCleared() {
		this.drop();
	}

	/** Another server confirmed the held definitions current at `loadedAtMillis` (a 304 it got). */
	confirmLoadedAt(loadedAtMillis: number) {
		if (this.definitions !== undefined && loadedAtMillis > (this.loadedAtMillis ?? 0)) {
			this.loadedAtMillis = loadedAtMillis;
		}
	}

	/** Polls now in a new thread, then every pollIntervalSeconds (longer while failing). */
	start() {
		if (this.isRunning) return;
		this.isRunning = true;
		this.deps.scheduler.spawn(() => this.pollAndReschedule());
	}

	/** Stops polling; the held definitions stay readable. */
	stop() {
		this.isRunning = false;
		this.cancelNext?.();
		this.cancelNext = undefined;
	}

	/** Seconds until the next poll after `failures` consecutive failures. */
	nextDelaySeconds(): number {
		const interval = this.options.pollIntervalSeconds;
		if (this.failures === 0) return interval;
		const cap = math.max(interval, this.options.maxBackoffSeconds ?? DEFAULT_MAX_BACKOFF_SECONDS);
		return math.min(interval * 2 ** this.failures, cap);
	}

	/** Sends one request and applies the answer. YIELDS. "busy" if a poll is already in flight. */
	pollNow(): DefinitionsPollOutcome {
		if (this.isPolling) return "busy";
		this.isPolling = true;
		const request = buildDefinitionsRequest({ ...this.options, etag: this.etag });
		const action = handleDefinitionsResponse(this.deps.http.request(request), this.deps.json);
		this.isPolling = false;
		this.apply(action);
		return action.kind;
	}

	private pollAndReschedule() {
		this.pollNow();
		if (!this.isRunning) return;
		this.cancelNext = this.deps.scheduler.delay(this.nextDelaySeconds(), () => this.pollAndReschedule());
	}

	private apply(action: DefinitionsAction) {
		const logger = this.deps.logger;
		switch (action.kind) {
			case "store":
				this.failures = 0;
				logger.resetOnce("FLAG_DEFINITIONS_UNAUTHORIZED");
				logger.resetOnce("FLAG_DEFINITIONS_QUOTA_LIMITED");
				logger.debug("FLAG_DEFINITIONS_LOADED", { count: action.definitions.flags.size() });
				this.hold(action.definitions, action.body, action.etag, this.deps.clock.nowMillis());
				return;
			case "keep":
				this.failures = 0;
				if (action.etag !== undefined) this.etag = action.etag;
				if (this.definitions !== undefined) this.loadedAtMillis = this.deps.clock.nowMillis();
				return;
			case "clear": {
				this.failures += 1;
				if (action.reason === "unauthorized") {
					logger.once("error", "FLAG_DEFINITIONS_UNAUTHORIZED", { status: action.status });
				} else {
					logger.once("warn", "FLAG_DEFINITIONS_QUOTA_LIMITED");
				}
				this.drop();
				return;
			}
			case "retryLater":
				this.failures += 1;
				logger.throttled("warn", "FLAG_DEFINITIONS_FAILED", {
					reason: action.reason,
					seconds: this.nextDelaySeconds(),
				});
				return;
		}
	}

	private hold(definitions: FlagDefinitions, body: string, etag: string | undefined, loadedAtMillis: number) {
		this.definitions = definitions;
		this.body = body;
		this.etag = etag;
		this.loadedAtMillis = loadedAtMillis;
		this.options.onChange?.(definitions);
	}

	private drop() {
		const hadDefinitions = this.definitions !== undefined;
		this.definitions = undefined;
		this.body = undefined;
		this.etag = undefined;
		if (hadDefinitions) this.options.onChange?.(undefined);
	}
}
