// Compliance adapter: answers the SDK never retries (posthog-protocol.md §5; harness
// does_not_retry_on_400/401/403/413), and a network failure it does retry.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sleep, useAdapter } from "./support.mjs";

const ctx = useAdapter();
/** Longer than the longest first backoff (1 s + 25 % jitter): a retry would have come by then. */
const NO_RETRY_WAIT_MS = 1400;

for (const status of [400, 401, 403, 413]) {
	test(`makes exactly one request for a batch answered ${status}`, async () => {
		await ctx.init({}, [{ status, body: { error: `scripted ${status}` } }]);
		await ctx.capture();
		const flushed = await ctx.flush();
		assert.equal(flushed.events_flushed, 0);
		await sleep(NO_RETRY_WAIT_MS);
		assert.equal(ctx.batchRequests().length, 1);
		const state = await ctx.state();
		assert.equal(state.pending_events, 0);
		assert.equal(state.total_retries, 0);
		assert.match(state.last_error, new RegExp(String(status)));
	});
}

test("retries after a connection reset (network failure)", async () => {
	await ctx.init({}, [{ reset: true }]);
	const uuid = await ctx.capture();
	const flushed = await ctx.flush();
	assert.equal(flushed.events_flushed, 1);
	const requests = ctx.batchRequests();
	assert.deepEqual(
		requests.map((request) => request.status),
		["reset", 200],
	);
	assert.equal(requests[1].json.batch[0].uuid, uuid);
	const state = await ctx.state();
	assert.equal(state.requests_made[0].status_code, 0);
	assert.match(state.last_error, /ConnectionClosed/);
});
