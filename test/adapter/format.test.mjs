// Compliance adapter: the interface (health, init, reset) and the event format contract points
// (posthog-protocol.md §2, §4, §14; harness capture suite: format_validation, compression,
// batch_format, deduplication).
import assert from "node:assert/strict";
import fs from "node:fs";
import { test } from "node:test";
import { LIB_NAME, sleep, useAdapter } from "./support.mjs";

const ctx = useAdapter();
const { version } = JSON.parse(fs.readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const UTC_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

test("GET /health names the SDK, its version and the capture capabilities, not parallel", async () => {
	const { status, body } = await ctx.call("GET", "/health");
	assert.equal(status, 200);
	assert.equal(body.sdk_name, LIB_NAME);
	assert.equal(body.sdk_version, version);
	assert.equal(typeof body.adapter_version, "string");
	assert.ok(body.capabilities.includes("capture_v0") && body.capabilities.includes("encoding_gzip"));
	assert.equal(body.supports_parallel, false);
});

test("POST /init needs api_key and host; /capture before /init fails", async () => {
	assert.equal((await ctx.call("POST", "/reset")).status, 200);
	assert.equal((await ctx.call("POST", "/init", { host: ctx.fake.url })).status, 400);
	assert.equal((await ctx.call("POST", "/init", { api_key: "phc_test_key" })).status, 400);
	const { status, body } = await ctx.call("POST", "/capture", { distinct_id: "u", event: "e" });
	assert.equal(status, 400);
	assert.match(body.error, /not initialized/);
});

test("required fields: event and distinct_id go out as given, with the uuid /capture returned", async () => {
	await ctx.init({ flush_at: 1 });
	const uuid = await ctx.capture({ distinct_id: "test_user_123", event: "test_event" });
	await ctx.flush();
	assert.equal(ctx.batchRequests().length, 1);
	const [event] = ctx.events();
	assert.equal(event.event, "test_event");
	assert.equal(event.distinct_id, "test_user_123");
	assert.equal(event.uuid, uuid);
	assert.match(uuid, UUID);
});

test("/capture without distinct_id or event is refused and sends nothing", async () => {
	await ctx.init();
	assert.equal((await ctx.call("POST", "/capture", { event: "e" })).status, 400);
	assert.equal((await ctx.call("POST", "/capture", { distinct_id: "u" })).status, 400);
	await ctx.flush();
	assert.equal(ctx.batchRequests().length, 0);
});

test("lib properties: $lib and $lib_version on every event; custom properties unchanged", async () => {
	await ctx.init();
	await ctx.capture({ properties: { custom_string: "hello", custom_number: 42, custom_bool: true } });
	await ctx.flush();
	const { properties } = ctx.events()[0];
	assert.equal(properties.$lib, LIB_NAME);
	assert.equal(properties.$lib_version, version);
	assert.equal(properties.custom_string, "hello");
	assert.equal(properties.custom_number, 42);
	assert.equal(properties.custom_bool, true);
});

test("UTC timestamps: each event has an ISO-8601 UTC timestamp with milliseconds", async () => {
	await ctx.init();
	const before = Date.now();
	await ctx.capture();
	await ctx.flush();
	const { timestamp } = ctx.events()[0];
	assert.match(timestamp, UTC_MILLIS);
	assert.ok(Math.abs(Date.parse(timestamp) - before) < 5000, timestamp);
});

test("UTC timestamps: a timestamp with a +05:30 offset is sent as the same instant in UTC", async () => {
	await ctx.init({ flush_at: 1 });
	await ctx.capture({
		timestamp: "2025-01-02T08:34:05+05:30",
		properties: { timestamp_like: "2025-01-02T08:34:05+05:30" },
	});
	await ctx.flush();
	const [event] = ctx.events();
	assert.equal(event.timestamp, "2025-01-02T03:04:05.000Z");
	assert.equal(Date.parse(event.timestamp), Date.parse("2025-01-02T03:04:05Z"));
	assert.equal(event.properties.timestamp_like, "2025-01-02T08:34:05+05:30");
});

test("unique uuids: every event has its own UUIDv7, and identical events differ", async () => {
	await ctx.init({ flush_at: 10 });
	const returned = [];
	for (let i = 0; i < 5; i++) returned.push(await ctx.capture({ event: `test_event_${i}` }));
	returned.push(await ctx.capture({ event: "same", properties: { key: "value" } }));
	returned.push(await ctx.capture({ event: "same", properties: { key: "value" } }));
	await ctx.flush();
	const sent = ctx.events().map((event) => event.uuid);
	assert.deepEqual(sent, returned);
	assert.equal(new Set(sent).size, 7);
	for (const uuid of sent) assert.match(uuid, UUID);
});

test("gzip: enable_compression true sends Content-Encoding: gzip, false sends plain JSON", async () => {
	for (const enable_compression of [true, false]) {
		await ctx.init({ enable_compression });
		await ctx.capture();
		await ctx.flush();
		const [request] = ctx.batchRequests();
		assert.equal(request.headers["content-encoding"], enable_compression ? "gzip" : undefined);
		assert.equal(request.gzip, enable_compression);
		assert.equal(request.json.batch.length, 1);
	}
});

test("batch structure: one POST /batch/ with api_key, a batch array and sent_at for several events", async () => {
	await ctx.init({ api_key: "phc_test_key", flush_at: 10 });
	for (let i = 0; i < 5; i++) await ctx.capture({ event: `test_event_${i}` });
	await ctx.flush();
	const requests = ctx.batchRequests();
	assert.equal(requests.length, 1);
	assert.equal(requests[0].method, "POST");
	assert.equal(requests[0].path, "/batch/");
	const body = requests[0].json;
	assert.equal(body.api_key, "phc_test_key");
	assert.ok(Array.isArray(body.batch));
	assert.deepEqual(
		body.batch.map((event) => event.event),
		["test_event_0", "test_event_1", "test_event_2", "test_event_3", "test_event_4"],
	);
	assert.equal(new Set(body.batch.map((event) => event.uuid)).size, 5);
	assert.match(body.sent_at, UTC_MILLIS);
});

test("empty flush: no request, events_flushed 0", async () => {
	await ctx.init();
	const flushed = await ctx.flush();
	assert.equal(flushed.events_flushed, 0);
	await sleep(200);
	assert.equal(ctx.fake.requests().length, 0);
});

test("flush_interval_ms under 1 s is raised to the SDK's 1 s minimum, and the interval still flushes", async () => {
	const init = await ctx.init({ flush_interval_ms: 500, flush_at: 100 });
	assert.match(init.notes.join("; "), /flush_interval_ms 500 raised to 1000/);
	await ctx.capture();
	await sleep(1600);
	assert.equal(ctx.batchRequests().length, 1);
});

test("GET /state counts captured, sent and pending, and lists each request", async () => {
	await ctx.init({ flush_at: 100 });
	const uuids = [await ctx.capture(), await ctx.capture()];
	let state = await ctx.state();
	assert.equal(state.total_events_captured, 2);
	assert.equal(state.pending_events, 2);
	const flushed = await ctx.flush();
	assert.equal(flushed.events_flushed, 2);
	state = await ctx.state();
	assert.equal(state.pending_events, 0);
	assert.equal(state.total_events_sent, 2);
	assert.equal(state.total_retries, 0);
	assert.equal(state.last_error, null);
	assert.equal(state.requests_made.length, 1);
	const [request] = state.requests_made;
	assert.equal(request.status_code, 200);
	assert.equal(request.retry_attempt, 0);
	assert.equal(request.event_count, 2);
	assert.deepEqual(request.uuid_list, uuids);
	assert.ok(Math.abs(request.timestamp_ms - Date.now()) < 10_000);
});

test("POST /reset forgets the SDK and its counters", async () => {
	await ctx.init();
	await ctx.capture();
	await ctx.flush();
	assert.equal((await ctx.call("POST", "/reset")).body.success, true);
	const state = await ctx.state();
	assert.equal(state.total_events_captured, 0);
	assert.deepEqual(state.requests_made, []);
});
