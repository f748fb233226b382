// Compliance adapter: GeoIP (posthog-protocol.md §6, §9; harness disable_geoip_omitted_defaults_to_false
// and disable_geoip_false_propagates_as_geoip_disable_false). The harness expects an omitted
// disable_geoip to mean GeoIP on: the adapter initializes the SDK with disableGeoip = false (the
// SDK's own default stays true) and reports it, so events carry no $geoip_disable and /flags bodies
// send geoip_disable: false; a call's disable_geoip wins for its request.
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAdapter } from "./support.mjs";

const ctx = useAdapter();

test("/init reports the SDK's GeoIP option, set to false", async () => {
	const body = await ctx.init();
	assert.equal(body.geoip_option, "disableGeoip");
	assert.equal(body.disable_geoip, false);
});

test("events carry no $geoip_disable when the harness leaves disable_geoip out", async () => {
	await ctx.init({ flush_at: 1 });
	await ctx.capture({ event: "geo_event" });
	await ctx.flush();
	const events = ctx.events().filter((event) => event.event === "geo_event");
	assert.equal(events.length, 1);
	assert.equal("$geoip_disable" in events[0].properties, false);
});

test("/flags bodies send geoip_disable false when disable_geoip is omitted, or false", async () => {
	await ctx.init();
	ctx.fake.flags({ flags: { "any-flag": true } });
	await ctx.call("POST", "/get_feature_flag", { key: "any-flag", distinct_id: "user_1" });
	await ctx.call("POST", "/get_feature_flag", { key: "any-flag", distinct_id: "user_1", disable_geoip: false });
	assert.deepEqual(
		ctx.fake.requests("flags").map((request) => request.json.geoip_disable),
		[false, false],
	);
});

test("a call's disable_geoip: true reaches its /flags body", async () => {
	await ctx.init();
	ctx.fake.flags({ flags: { "any-flag": true } });
	await ctx.call("POST", "/get_feature_flag", { key: "any-flag", distinct_id: "user_1", disable_geoip: true });
	assert.equal(ctx.fake.requests("flags")[0].json.geoip_disable, true);
});
