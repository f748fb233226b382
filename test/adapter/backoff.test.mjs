// Compliance adapter: retry timing (posthog-protocol.md §5; harness respects_retry_after_header,
// implements_backoff, preserves_uuid_and_timestamp_on_retry). Real seconds: about 10 s.
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAdapter } from "./support.mjs";

const ctx = useAdapter();
/** Arrival times are read on the fake's side; allow for timer and loopback slack. */
const SLACK_SECONDS = 0.05;

test("waits at least Retry-After before retrying a 429", async () => {
	await ctx.init({}, [{ status: 429, headers: { "retry-after": "2" } }]);
	await ctx.capture();
	await ctx.flush();
	assert.equal(ctx.batchRequests().length, 2);
	assert.ok(ctx.gaps()[0] >= 2 - SLACK_SECONDS, `retried after ${ctx.gaps()[0]} s`);
});

test("backs off exponentially, keeping uuids and timestamps on every retry", async () => {
	await ctx.init({ flush_at: 10 }, [{ status: 503 }, { status: 503 }, { status: 503 }]);
	for (let i = 0; i < 3; i++) await ctx.capture({ event: `test_event_${i}` });
	const flushed = await ctx.flush();
	assert.equal(flushed.events_flushed, 3);
	const gaps = ctx.gaps();
	assert.equal(gaps.length, 3);
	assert.ok(gaps[0] >= 0.1, `first retry after ${gaps[0]} s`);
	// 1 s, 2 s, 4 s nominal with ±25 % jitter: each delay is longer than the one before.
	assert.ok(gaps[0] >= 0.75 - SLACK_SECONDS && gaps[0] <= 1.25 + 0.5, `gaps ${gaps}`);
	assert.ok(gaps[1] > gaps[0] && gaps[2] > gaps[1], `gaps ${gaps}`);
	const batches = ctx.batches();
	for (const body of batches.slice(1)) {
		assert.deepEqual(
			body.batch.map((event) => [event.uuid, event.timestamp]),
			batches[0].batch.map((event) => [event.uuid, event.timestamp]),
		);
	}
	const uuids = batches[0].batch.map((event) => event.uuid);
	assert.equal(new Set(uuids).size, 3);
	const state = await ctx.state();
	assert.deepEqual(
		state.requests_made.map((request) => request.retry_attempt),
		[0, 1, 2, 3],
	);
});
