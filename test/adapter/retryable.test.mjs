// Compliance adapter: answers the SDK retries (posthog-protocol.md §5; harness retries_on_5xx/408,
// respects_retry_after_header): one failure, then success after one backoff (about 1 s).
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAdapter } from "./support.mjs";

const ctx = useAdapter();

const cases = [
	[500, {}],
	[502, {}],
	[503, {}],
	[504, {}],
	[408, {}],
	[429, { "retry-after": "1" }],
];
for (const [status, headers] of cases) {
	test(`retries a batch answered ${status}, with the same events, then delivers it once`, async () => {
		await ctx.init({}, [{ status, headers, body: { error: `scripted ${status}` } }]);
		const uuid = await ctx.capture();
		const flushed = await ctx.flush();
		assert.equal(flushed.events_flushed, 1);
		const requests = ctx.batchRequests();
		assert.deepEqual(
			requests.map((request) => request.status),
			[status, 200],
		);
		const [first, second] = ctx.batches();
		assert.deepEqual(second.batch, first.batch);
		assert.equal(first.batch[0].uuid, uuid);
		const state = await ctx.state();
		assert.deepEqual(
			state.requests_made.map((request) => [request.status_code, request.retry_attempt]),
			[
				[status, 0],
				[200, 1],
			],
		);
		assert.equal(state.total_retries, 1);
		assert.equal(state.total_events_sent, 1);
		assert.match(state.last_error, new RegExp(String(status)));
	});
}
