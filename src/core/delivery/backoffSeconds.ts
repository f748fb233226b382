// How long to wait before retrying a failed batch: exponential (1 s, 2 s, 4 s, ...) with ±25 %
// jitter, capped at 30 s, and never sooner than the server's Retry-After (itself capped at 30 s),
// as posthog-python does. Pure: the random draw is an argument.

export const RETRY_BASE_SECONDS = 1;
export const RETRY_MAX_SECONDS = 30;
/** Fraction of the exponential delay added or removed at random. */
export const RETRY_JITTER = 0.25;

/**
 * Seconds to wait before retry number `attempt` (1 for the first retry).
 * @param retryAfterSeconds the parsed Retry-After header (parseRetryAfter), if any
 * @param random01 a uniform draw in [0, 1)
 */
export function backoffSeconds(attempt: number, retryAfterSeconds: number | undefined, random01: number): number {
	const exponential = RETRY_BASE_SECONDS * 2 ** math.max(0, attempt - 1);
	const jittered = exponential * (1 - RETRY_JITTER + 2 * RETRY_JITTER * random01);
	const delay = math.min(jittered, RETRY_MAX_SECONDS);
	if (retryAfterSeconds === undefined) return delay;
	return math.max(delay, math.min(retryAfterSeconds, RETRY_MAX_SECONDS));
}
