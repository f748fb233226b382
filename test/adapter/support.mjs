// Shared setup for the compliance adapter's tests: one adapter (adapter/adapter.mjs, running the
// out-test build) and one fake PostHog (test/host/fakePostHog.mjs on a real-time clock) per test
// file, driven over HTTP the way PostHog's harness drives an adapter.
import assert from "node:assert/strict";
import { after, before } from "node:test";
import { createAdapter } from "../../adapter/adapter.mjs";
import { createFakePostHogRegistry } from "../host/fakePostHog.mjs";
import { createVirtualClock } from "../host/virtualClock.mjs";

/** The SDK's $lib (ServerRuntime.LIB_NAME). */
export const LIB_NAME = "posthog-rbx";

/**
 * Registers before/after hooks for the calling test file; returns the live context.
 * @returns {{ url: string, fake: object, call: Function, init: Function, capture: Function,
 *   batches: Function, events: Function, arrivals: Function }}
 */
export function useAdapter() {
	const ctx = {};
	let adapter;
	let fakes;
	before(async () => {
		adapter = await createAdapter({ sdk: "test" });
		const port = await adapter.listen(0);
		ctx.url = `http://127.0.0.1:${port}`;
		const clock = createVirtualClock();
		clock.setRealtime(true);
		fakes = createFakePostHogRegistry({ clock });
		ctx.fake = await fakes.create();
	});
	after(async () => {
		await adapter?.close();
		fakes?.closeAll();
	});

	/** One adapter call; resolves { status, body }. */
	ctx.call = async (method, path, body) => {
		const response = await fetch(ctx.url + path, {
			method,
			headers: body === undefined ? {} : { "content-type": "application/json" },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: response.status, body: await response.json() };
	};
	/** POST /init against the fake (a clean one: no recorded requests, no scripts). */
	ctx.init = async (fields = {}, scriptedBatchAnswers = []) => {
		ctx.fake.clear();
		ctx.fake.faults(null);
		ctx.fake.script("batch", scriptedBatchAnswers);
		const { status, body } = await ctx.call("POST", "/init", {
			api_key: "phc_test_key",
			host: ctx.fake.url,
			...fields,
		});
		assert.equal(status, 200, JSON.stringify(body));
		return body;
	};
	/** POST /capture; asserts success and resolves the uuid. */
	ctx.capture = async (fields = {}) => {
		const { status, body } = await ctx.call("POST", "/capture", {
			distinct_id: "test_user",
			event: "test_event",
			...fields,
		});
		assert.equal(status, 200, JSON.stringify(body));
		assert.equal(body.success, true);
		return body.uuid;
	};
	ctx.flush = async () => {
		const { status, body } = await ctx.call("POST", "/flush");
		assert.equal(status, 200, JSON.stringify(body));
		return body;
	};
	ctx.state = async () => (await ctx.call("GET", "/state")).body;
	/** /batch/ requests the fake received. */
	ctx.batchRequests = () => ctx.fake.requests("batch");
	ctx.batches = () => ctx.batchRequests().map((request) => request.json);
	ctx.events = () => ctx.batches().flatMap((body) => body?.batch ?? []);
	/** Arrival times of the /batch/ requests, in seconds. */
	ctx.arrivals = () => ctx.batchRequests().map((request) => request.receivedAt);
	ctx.gaps = () => {
		const times = ctx.arrivals();
		return times.slice(1).map((time, index) => time - times[index]);
	};
	return ctx;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
