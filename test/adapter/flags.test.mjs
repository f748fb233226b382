// Compliance adapter: POST /get_feature_flag (posthog-protocol.md §9; harness feature_flags suite).
// Without PostHog:GetFeatureFlag in the SDK build the adapter answers 501 and advertises no
// feature_flags capability (the other tests are then skipped); with it, the request payload and the
// 502/504 retry are checked.
import assert from "node:assert/strict";
import { test } from "node:test";
import { useAdapter } from "./support.mjs";

const ctx = useAdapter();

async function hasFlags() {
	return (await ctx.call("GET", "/health")).body.capabilities.includes("feature_flags");
}

test("answers /get_feature_flag when it advertises feature_flags, and 501 without a request otherwise", async () => {
	await ctx.init();
	ctx.fake.flags({ flags: { "the-flag": true } });
	const { status, body } = await ctx.call("POST", "/get_feature_flag", { key: "the-flag", distinct_id: "user_1" });
	if (await hasFlags()) {
		assert.equal(status, 200, JSON.stringify(body));
		assert.equal(body.value, true);
	} else {
		assert.equal(status, 501);
		assert.match(body.error, /GetFeatureFlag/);
		assert.equal(ctx.fake.requests().length, 0);
	}
});

test("flag request payload: POST /flags/?v=2 with the token in the body and object-valued maps", async (t) => {
	if (!(await hasFlags())) return t.skip("the SDK has no PostHog:GetFeatureFlag yet");
	await ctx.init();
	ctx.fake.flags({ flags: { "the-flag": "blue" } });
	const { status, body } = await ctx.call("POST", "/get_feature_flag", {
		key: "the-flag",
		distinct_id: "user_1",
		person_properties: { plan: "pro" },
		force_remote: true,
	});
	assert.equal(status, 200, JSON.stringify(body));
	assert.equal(body.value, "blue");
	const requests = ctx.fake.requests("flags");
	assert.equal(requests.length, 1);
	assert.equal(requests[0].method, "POST");
	assert.equal(requests[0].query.v, "2");
	assert.equal(requests[0].headers.authorization, undefined);
	const sent = requests[0].json;
	assert.equal(sent.token, "phc_test_key");
	assert.equal(sent.distinct_id, "user_1");
	assert.equal(sent.person_properties.plan, "pro");
	assert.deepEqual(sent.groups, {});
	assert.deepEqual(sent.group_properties, {});
	assert.equal(sent.geoip_disable, false);
	assert.deepEqual(sent.flag_keys_to_evaluate, ["the-flag"]);
	assert.equal(ctx.fake.requests("other").length, 0);
});

test("a single-flag request carries exactly the requested key in flag_keys_to_evaluate", async (t) => {
	if (!(await hasFlags())) return t.skip("the SDK has no PostHog:GetFeatureFlag yet");
	await ctx.init();
	ctx.fake.flags({ flags: { "my-specific-flag": true, "another-flag": "blue" } });
	const { body } = await ctx.call("POST", "/get_feature_flag", { key: "my-specific-flag", distinct_id: "user_1" });
	assert.equal(body.value, true);
	const requests = ctx.fake.requests("flags");
	assert.equal(requests.length, 1);
	assert.deepEqual(requests[0].json.flag_keys_to_evaluate, ["my-specific-flag"]);
});

test("the call's groups, group_properties and person_properties reach the /flags body", async (t) => {
	if (!(await hasFlags())) return t.skip("the SDK has no PostHog:GetFeatureFlag yet");
	await ctx.init();
	ctx.fake.flags({ flags: { "any-flag": true } });
	const { status, body } = await ctx.call("POST", "/get_feature_flag", {
		key: "any-flag",
		distinct_id: "test_user_123",
		groups: { company: "acme" },
		group_properties: { company: { plan: "enterprise" } },
		person_properties: { $device_id: "device_abc_123" },
	});
	assert.equal(status, 200, JSON.stringify(body));
	const sent = ctx.fake.requests("flags")[0].json;
	assert.equal(sent.groups.company, "acme");
	assert.equal(sent.group_properties.company.plan, "enterprise");
	assert.equal(sent.person_properties.$device_id, "device_abc_123");
	assert.equal(sent.person_properties.distinct_id, "test_user_123");
	// Per call: the next call without them sends empty maps.
	await ctx.call("POST", "/get_feature_flag", { key: "any-flag", distinct_id: "test_user_123" });
	const next = ctx.fake.requests("flags")[1].json;
	assert.deepEqual(next.groups, {});
	assert.deepEqual(next.group_properties, {});
	assert.equal(next.person_properties.$device_id, undefined);
});

test("force_remote makes a /flags request", async (t) => {
	if (!(await hasFlags())) return t.skip("the SDK has no PostHog:GetFeatureFlag yet");
	await ctx.init();
	ctx.fake.flags({ flags: { "signup-aa-test": "variant-a" } });
	const { body } = await ctx.call("POST", "/get_feature_flag", {
		key: "signup-aa-test",
		distinct_id: "test_user_123",
		person_properties: { $device_id: "device_abc_123" },
		groups: {},
		group_properties: {},
		disable_geoip: true,
		force_remote: true,
	});
	assert.equal(body.value, "variant-a");
	const requests = ctx.fake.requests("flags");
	assert.equal(requests.length, 1);
	assert.equal(requests[0].json.geoip_disable, true);
	assert.deepEqual(requests[0].json.flag_keys_to_evaluate, ["signup-aa-test"]);
});

test("a flag read captures one $feature_flag_called", async (t) => {
	if (!(await hasFlags())) return t.skip("the SDK has no PostHog:GetFeatureFlag yet");
	await ctx.init();
	ctx.fake.flags({ flags: { "my-flag": true }, shape: "legacy" });
	const { body } = await ctx.call("POST", "/get_feature_flag", { key: "my-flag", distinct_id: "user_1" });
	assert.equal(body.value, true);
	await ctx.flush();
	const called = ctx.events().filter((event) => event.event === "$feature_flag_called");
	assert.equal(called.length, 1);
	assert.equal(called[0].properties.$feature_flag, "my-flag");
	assert.equal(called[0].properties.$feature_flag_response, true);
});

test("two flag reads make two /flags requests", async (t) => {
	if (!(await hasFlags())) return t.skip("the SDK has no PostHog:GetFeatureFlag yet");
	await ctx.init();
	ctx.fake.flags({ flags: { "the-flag": true } });
	for (let i = 0; i < 2; i++) {
		const { body } = await ctx.call("POST", "/get_feature_flag", { key: "the-flag", distinct_id: "user_1" });
		assert.equal(body.value, true);
	}
	assert.equal(ctx.fake.requests("flags").length, 2);
});

for (const status of [502, 504]) {
	test(`retries a flag request answered ${status} once`, async (t) => {
		if (!(await hasFlags())) return t.skip("the SDK has no PostHog:GetFeatureFlag yet");
		await ctx.init();
		ctx.fake.flags({ flags: { "the-flag": true } });
		ctx.fake.script("flags", [{ status }]);
		const { body } = await ctx.call("POST", "/get_feature_flag", {
			key: "the-flag",
			distinct_id: "user_1",
			force_remote: true,
		});
		assert.equal(body.value, true);
		assert.deepEqual(
			ctx.fake.requests("flags").map((request) => request.status),
			[status, 200],
		);
	});
}
