// Decides what a /batch/ answer means for the events in it, per PostHog's capture contract
// (posthog-sdk-test-harness capture_tests.yaml) and Roblox's thrown HttpService errors.
// Pure: looks only at the result and the batch size.

import { HttpResult } from "../platform";

/**
 * - sent: PostHog accepted the batch (2xx).
 * - retry: may succeed later (5xx, 408, 429, transport errors); counts against maxRetries.
 * - throttled: Roblox refused to send because the server used up its 500 requests per minute. The
 *   request never left, so it does not count as a retry; sending waits for the limit to reset.
 * - split: 413 for a multi-event batch; resend the same events in smaller batches.
 * - drop: will never succeed (other 4xx, 3xx, 413 for one event, a URL Roblox refuses).
 * - httpDisabled: HttpService.HttpEnabled is off; keep the events until it is on.
 */
export type DeliveryOutcome = "sent" | "retry" | "throttled" | "split" | "drop" | "httpDisabled";

/** Thrown messages (lowercase, matched anywhere: the engine may add prefixes) that retrying can't fix. */
const PERMANENT_ERRORS = [
	"trust check failed",
	"not allowed to access roblox resources",
	"empty url",
	"invalidurl",
	"is not allowed!",
	"can only be executed by game server",
];

const HTTP_DISABLED_ERROR = "http requests are not enabled";
const REQUEST_LIMIT_ERROR = "number of requests exceeded limit";

export function classifyResponse(result: HttpResult, batchSize: number): DeliveryOutcome {
	if (result.kind === "error") return classifyError(result.message);
	const status = result.status;
	if (status >= 200 && status < 300) return "sent";
	if (status === 408 || status === 429 || status >= 500) return "retry";
	if (status === 413) return batchSize > 1 ? "split" : "drop";
	if (status >= 300 && status < 500) return "drop";
	return "retry";
}

function classifyError(message: string): DeliveryOutcome {
	const lower = message.lower();
	if (lower.find(HTTP_DISABLED_ERROR, 1, true)[0] !== undefined) return "httpDisabled";
	if (lower.find(REQUEST_LIMIT_ERROR, 1, true)[0] !== undefined) return "throttled";
	for (const permanent of PERMANENT_ERRORS) {
		if (lower.find(permanent, 1, true)[0] !== undefined) return "drop";
	}
	return "retry";
}
