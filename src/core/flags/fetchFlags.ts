// Sends one /flags request with the retry contract every PostHog SDK shares (sdk-specs
// http-client): retry transport failures and HTTP 502/504 only, 1 retry by default after 300 ms
// (then doubling); never 408, 429, 500, 503 or anything else. Failures are named with
// `$feature_flag_error` codes. Pure: HTTP, waiting and JSON come from the platform. YIELDS.

import { HttpClient, HttpRequest, HttpResult, Json, Scheduler } from "../platform";
import { FlagsResponse, parseFlagsResponse } from "./parseFlagsResponse";

/** `$feature_flag_error` values (posthog-protocol §9); `api_error_<status>` for other HTTP answers. */
export type FlagErrorCode =
	| "timeout"
	| "connection_error"
	| "quota_limited"
	| "errors_while_computing_flags"
	| "flag_missing"
	| "unknown_error"
	| `api_error_${number}`;

export type FetchFlagsResult =
	| {
			kind: "ok";
			response: FlagsResponse;
			/** "errors_while_computing_flags" when the server failed some flags: keep their last good values. */
			error?: FlagErrorCode;
			attempts: number;
	  }
	| {
			kind: "error";
			/** Keep every last good value. */
			error: FlagErrorCode;
			/** The HTTP status, when the server answered. */
			status?: number;
			/** The engine's message or a parse problem, for logs. */
			detail: string;
			attempts: number;
	  };

export interface FetchFlagsOptions {
	/** Retries after the first attempt; 0 disables. @default 1 */
	maxRetries?: number;
	/** Wait before the first retry, in seconds; doubles for each further retry. @default 0.3 */
	retryDelaySeconds?: number;
}

export interface FetchFlagsDeps {
	http: HttpClient;
	scheduler: Scheduler;
	json: Json;
}

const RETRIED_STATUSES = new Set([502, 504]);

/** Whether a thrown engine error means the request timed out ("HttpError: Timedout" on Roblox). */
function isTimeout(message: string) {
	const lower = message.lower();
	return lower.find("timedout", 1, true)[0] !== undefined || lower.find("timed out", 1, true)[0] !== undefined;
}

function isRetryable(result: HttpResult) {
	return result.kind === "error" || RETRIED_STATUSES.has(result.status);
}

function classify(result: HttpResult, json: Json, attempts: number): FetchFlagsResult {
	if (result.kind === "error") {
		const code = isTimeout(result.message) ? "timeout" : "connection_error";
		return { kind: "error", error: code, detail: result.message, attempts };
	}
	if (result.status < 200 || result.status >= 300) {
		return { kind: "error", error: `api_error_${result.status}`, status: result.status, detail: result.body, attempts };
	}
	const parsed = parseFlagsResponse(result.body, json);
	if (parsed.kind === "invalid") {
		return { kind: "error", error: "unknown_error", status: result.status, detail: parsed.reason, attempts };
	}
	const response = parsed.response;
	if (response.isQuotaLimited) {
		return { kind: "error", error: "quota_limited", status: result.status, detail: "quota limited", attempts };
	}
	const isPartial = response.errorsWhileComputingFlags || response.failedKeys.size() > 0;
	return { kind: "ok", response, error: isPartial ? "errors_while_computing_flags" : undefined, attempts };
}

/** Sends `request` (see buildFlagsRequest), retrying per the contract above. Yields; never throws. */
export function fetchFlags(
	request: HttpRequest,
	deps: FetchFlagsDeps,
	options: FetchFlagsOptions = {},
): FetchFlagsResult {
	const maxRetries = options.maxRetries ?? 1;
	let delaySeconds = options.retryDelaySeconds ?? 0.3;
	let attempts = 1;
	let result = deps.http.request(request);
	while (isRetryable(result) && attempts <= maxRetries) {
		deps.scheduler.wait(delaySeconds);
		delaySeconds *= 2;
		attempts += 1;
		result = deps.http.request(request);
	}
	return classify(result, deps.json, attempts);
}
