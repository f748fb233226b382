// Compliance adapter: max_retries (harness max_retries_respected: five 503s with max_retries 3 make
// exactly 4 requests). The SDK then keeps the event for its next delivery round, a minute later
// (EventQueue), so the flush returns with the event pending. Real seconds: about 10 s.
import assert from "node:assert/strict";
import { test } from "node:test";
import { sleep, useAdapter } from "./support.mjs";

const ctx = useAdapter();

test("makes exactly max_retries + 1 requests in a round, then keeps the event queued", async () => {
	const answers = Array.from({ length: 5 }, () => ({ status: 503 }));
	await ctx.init({ max_retries: 3, flush_interval_ms: 1000 }, answers);
	const uuid = await ctx.capture();
	const flushed = await ctx.flush();
	assert.equal(flushed.events_flushed, 0);
	assert.equal(flushed.pending_events, 1);
	assert.equal(ctx.batchRequests().length, 4);
	// The interval (1 s) keeps firing; the next round waits a minute.
	await sleep(2500);
	assert.equal(ctx.batchRequests().length, 4);
	for (const body of ctx.batches()) assert.equal(body.batch[0].uuid, uuid);
	const state = await ctx.state();
	assert.equal(state.pending_events, 1);
	assert.equal(state.total_events_sent, 0);
	assert.equal(state.total_retries, 3);
});

test("max_retries 0 makes one request per round", async () => {
	await ctx.init({ max_retries: 0 }, [{ status: 503 }, { status: 503 }]);
	await ctx.capture();
	const flushed = await ctx.flush();
	assert.equal(flushed.pending_events, 1);
	await sleep(1500);
	assert.equal(ctx.batchRequests().length, 1);
});
