// `$feature_flag_called` end to end (posthog-protocol §10; peers.md §9 item 11): sent on value reads
// (IsFeatureEnabled, GetFeatureFlag) with sendFeatureFlagEvents, once per (distinct id, flag, value,
// groups), with the flag's metadata and error codes, and stripped to the allowlist in minimal mode.
import { describe, expect, it } from "@rbxts/jest-globals";
import { CapturedEvent } from "../support/fakePostHog";
import { reloadFlags } from "../support/flags";
import { named, props } from "../support/sdkInternals";
import { useServerSpec } from "../support/serverSpec";

describe("$feature_flag_called", () => {
	const spec = useServerSpec({ shared: true });

	function init(overrides?: Record<string, unknown>) {
		spec.fake.flags({ flags: {} });
		spec.init(overrides);
	}

	function reload(subject: unknown) {
		return reloadFlags(spec.world, spec.server, spec.PostHog, subject).result;
	}

	/** Flushes, then the `$feature_flag_called` events PostHog received. */
	function flagEvents(): CapturedEvent[] {
		spec.PostHog.Flush();
		spec.world.runFor(1);
		return named(spec.delivered(), "$feature_flag_called");
	}

	it("is sent on IsFeatureEnabled with the flag's value and metadata", () => {
		init();
		spec.fake.flags({
			flags: {
				"new-shop": { enabled: true, payload: { theme: "dark" }, id: 7, version: 3 },
			},
		});
		reload("user-1");
		spec.PostHog.IsFeatureEnabled("user-1", "new-shop");
		const events = flagEvents();
		expect(events.size()).toBe(1);
		expect(events[0].distinct_id).toBe("user-1");
		const p = props(events[0]);
		expect(p.$feature_flag).toBe("new-shop");
		expect(p.$feature_flag_response).toBe(true);
		expect(p["$feature/new-shop"]).toBe(true);
		expect(p.locally_evaluated).toBe(false);
		expect(p.$feature_flag_payload).toEqual({ theme: "dark" });
		expect(p.$feature_flag_id).toBe(7);
		expect(p.$feature_flag_version).toBe(3);
		expect(p.$feature_flag_reason).toBe("Condition set 1 matched");
		expect(p.$feature_flag_request_id).toMatch("^00000000%-0000%-4000%-8000%-");
		expect(p.$feature_flag_error).toBeUndefined();
		expect(p.$lib).toBe("posthog-rbx");
	});

	it("is sent on GetFeatureFlag with the variant", () => {
		init();
		spec.fake.flags({ flags: { checkout: "blue" } });
		reload("user-1");
		spec.PostHog.GetFeatureFlag("user-1", "checkout");
		const p = props(flagEvents()[0]);
		expect(p.$feature_flag_response).toBe("blue");
		expect(p["$feature/checkout"]).toBe("blue");
	});

	it("is sent once per value, and again when the value changes", () => {
		init();
		spec.fake.flags({ flags: { checkout: "blue" } });
		reload("user-1");
		spec.PostHog.GetFeatureFlag("user-1", "checkout");
		spec.PostHog.IsFeatureEnabled("user-1", "checkout");
		spec.PostHog.GetFeatureFlag("user-1", "checkout");
		spec.fake.flags({ flags: { checkout: "green" } });
		reload("user-1");
		spec.PostHog.GetFeatureFlag("user-1", "checkout");
		spec.PostHog.GetFeatureFlag("user-1", "checkout");
		expect(flagEvents().map((event) => props(event).$feature_flag_response)).toEqual(["blue", "green"]);
	});

	it("is sent once per distinct id", () => {
		init();
		spec.fake.flags({ flags: { a: true } });
		reload("user-1");
		reload("user-2");
		for (const subject of ["user-1", "user-2", "user-1", "user-2"]) spec.PostHog.IsFeatureEnabled(subject, "a");
		expect(flagEvents().map((event) => event.distinct_id)).toEqual(["user-1", "user-2"]);
	});

	it("is sent again when the subject's groups change, with $groups", () => {
		init();
		spec.fake.flags({ flags: { a: true } });
		reload("user-1");
		spec.PostHog.IsFeatureEnabled("user-1", "a");
		spec.PostHog.Group("user-1", "guild", "knights");
		spec.world.runFor(0.5);
		spec.PostHog.IsFeatureEnabled("user-1", "a");
		spec.PostHog.IsFeatureEnabled("user-1", "a");
		const events = flagEvents();
		expect(events.size()).toBe(2);
		expect(props(events[1]).$groups).toEqual({ guild: "knights" });
	});

	it("is not sent for payload reads", () => {
		init();
		spec.fake.flags({ flags: { banner: { enabled: true, payload: "hi" } } });
		reload("user-1");
		expect(spec.PostHog.GetFeatureFlagPayload("user-1", "banner")).toBe("hi");
		expect(flagEvents().size()).toBe(0);
	});

	it("is not sent before anything was loaded for the subject", () => {
		init();
		spec.PostHog.IsFeatureEnabled("user-1", "a", true);
		spec.PostHog.GetFeatureFlag("user-1", "a");
		expect(flagEvents().size()).toBe(0);
	});

	it("reports a flag PostHog did not return as flag_missing", () => {
		init();
		reload("user-1");
		spec.PostHog.GetFeatureFlag("user-1", "ghost");
		const p = props(flagEvents()[0]);
		expect(p.$feature_flag).toBe("ghost");
		expect(p.$feature_flag_response).toBeUndefined();
		expect(p.$feature_flag_error).toBe("flag_missing");
	});

	it("reports the failure of the last load with the values kept from before", () => {
		init();
		spec.fake.flags({ flags: { a: true } });
		reload("user-1");
		spec.fake.script("flags", [{ status: 500 }]);
		reload("user-1");
		spec.PostHog.IsFeatureEnabled("user-1", "a");
		const p = props(flagEvents()[0]);
		expect(p.$feature_flag_response).toBe(true);
		expect(p.$feature_flag_error).toBe("api_error_500");
	});

	it("reports the failure of a load that brought nothing, without flag_missing", () => {
		init();
		spec.fake.script("flags", [{ status: 503 }]);
		reload("user-1");
		expect(spec.PostHog.IsFeatureEnabled("user-1", "a", true)).toBe(true);
		const p = props(flagEvents()[0]);
		expect(p.$feature_flag_response).toBeUndefined();
		expect(p.$feature_flag_error).toBe("api_error_503");
	});

	it("reports a quota-limited answer", () => {
		init();
		spec.fake.flags({ flags: {}, quotaLimited: true });
		reload("user-1");
		spec.PostHog.IsFeatureEnabled("user-1", "a");
		expect(props(flagEvents()[0]).$feature_flag_error).toBe("quota_limited");
	});

	it("is not sent with sendFeatureFlagEvents off", () => {
		init({ sendFeatureFlagEvents: false });
		spec.fake.flags({ flags: { a: true } });
		reload("user-1");
		spec.PostHog.IsFeatureEnabled("user-1", "a");
		expect(flagEvents().size()).toBe(0);
	});

	it("is not sent for a subject who opted out", () => {
		init();
		spec.fake.flags({ flags: { a: true } });
		reload("user-1");
		spec.PostHog.OptOut("user-1");
		expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(true);
		expect(flagEvents().size()).toBe(0);
	});

	describe("in minimal mode", () => {
		function answer(hasExperiment: boolean) {
			const flag = `{"key":"a","enabled":true,"reason":{"code":"condition_match","description":"Matched"},"metadata":{"id":4,"version":2,"payload":"{\\"x\\":1}","has_experiment":${hasExperiment}}}`;
			return `{"flags":{"a":${flag}},"requestId":"req-1","minimalFlagCalledEvents":true}`;
		}

		it("keeps only the allowlisted properties for a flag without an experiment", () => {
			init();
			spec.PostHog.Register("game_mode", "solo");
			spec.fake.script("flags", [{ body: answer(false) }]);
			reload("user-1");
			spec.PostHog.IsFeatureEnabled("user-1", "a");
			const p = props(flagEvents()[0]);
			expect(p.$feature_flag).toBe("a");
			expect(p.$feature_flag_response).toBe(true);
			expect(p.$feature_flag_id).toBe(4);
			expect(p.$feature_flag_request_id).toBe("req-1");
			expect(p.$lib).toBe("posthog-rbx");
			expect(p["$feature/a"]).toBeUndefined();
			expect(p.$feature_flag_payload).toBeUndefined();
			expect(p.game_mode).toBeUndefined();
			expect(p.place_id).toBeUndefined();
		});

		it("sends the full event for a flag that runs an experiment", () => {
			init();
			spec.fake.script("flags", [{ body: answer(true) }]);
			reload("user-1");
			spec.PostHog.IsFeatureEnabled("user-1", "a");
			const p = props(flagEvents()[0]);
			expect(p["$feature/a"]).toBe(true);
			expect(p.$feature_flag_payload).toEqual({ x: 1 });
			expect(p.$feature_flag_has_experiment).toBe(true);
		});
	});
});
