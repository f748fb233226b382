// Flag reads with options (FeatureFlagOptions; posthog-protocol §9, §10, §14): the flag is evaluated
// now for the subject's inputs with the call's groups and properties on top, locally when the
// definitions decide it, else by one /flags request for that key alone, which yields; nothing is
// stored. Also the GeoIP switch of flag requests (disableGeoip, at Init and per call).
import { describe, expect, it } from "@rbxts/jest-globals";
import { aFlag, callOnServer, definitionsBody, flagsBodies, reloadFlags, ServerCall } from "../support/flags";
import { named, props } from "../support/sdkInternals";
import { linesWith, useServerSpec } from "../support/serverSpec";

const SECURE_KEY = "phs_test_secure_key";

describe("flag reads with options", () => {
	const spec = useServerSpec({ shared: true });

	function init(overrides?: Record<string, unknown>) {
		for (const client of [...spec.world.clients]) spec.world.removePlayer(client);
		spec.world.runFor(0.1);
		spec.fake.flags({ flags: { "the-flag": "blue", "other-flag": true } });
		spec.fake.clear();
		spec.init(overrides);
	}

	/** Runs `body` in a server thread until it returns (it may yield for a /flags request). */
	function onServer<T>(body: () => T): ServerCall<T> {
		const call = callOnServer(spec.world, spec.server, body);
		spec.world.runUntil(() => call.returned, 30, 0.05);
		return call;
	}

	function flagEvents() {
		spec.PostHog.Flush();
		spec.world.runFor(1);
		return named(spec.delivered(), "$feature_flag_called");
	}

	describe("remote evaluation", () => {
		it("asks /flags for the one flag (flag_keys_to_evaluate) and yields for the answer", () => {
			init();
			const call = onServer(() => spec.PostHog.GetFeatureFlag("user_1", "the-flag", {}));
			expect(call.returnedAtOnce).toBe(false);
			expect(call.result?.value).toBe("blue");
			expect(call.result?.variant).toBe("blue");
			const bodies = flagsBodies(spec.fake);
			expect(bodies.size()).toBe(1);
			expect(bodies[0].flag_keys_to_evaluate).toEqual(["the-flag"]);
			expect(bodies[0].distinct_id).toBe("user_1");
			const text = spec.fake.requests("flags")[0].bodyText ?? "";
			for (const part of ['"groups":{}', '"group_properties":{}']) {
				expect(text.find(part, 1, true)[0]).never.toBeUndefined();
			}
		});

		it("makes one request per read, and keeps nothing for reads without options", () => {
			init();
			for (let i = 0; i < 2; i++) {
				expect(onServer(() => spec.PostHog.IsFeatureEnabled("user_1", "other-flag", {})).result).toBe(true);
			}
			expect(flagsBodies(spec.fake).size()).toBe(2);
			expect(spec.PostHog.IsFeatureEnabled("user_1", "other-flag")).toBe(false);
			expect(spec.PostHog.GetFeatureFlag("user_1", "the-flag").value).toBe(false);
		});

		it("takes the options as IsFeatureEnabled's third argument or after the default", () => {
			init();
			expect(onServer(() => spec.PostHog.IsFeatureEnabled("user_1", "other-flag", { groups: {} })).result).toBe(true);
			expect(onServer(() => spec.PostHog.IsFeatureEnabled("user_1", "missing", true, {})).result).toBe(false);
			expect(flagsBodies(spec.fake).map((body) => body.flag_keys_to_evaluate)).toEqual([["other-flag"], ["missing"]]);
		});

		it("returns the payload of the evaluated value", () => {
			init();
			spec.fake.flags({ flags: { shop: { enabled: true, payload: { theme: "dark" } } } });
			const call = onServer(() => spec.PostHog.GetFeatureFlagPayload("user_1", "shop", {}));
			expect(call.result).toEqual({ theme: "dark" });
			expect(flagsBodies(spec.fake)[0].flag_keys_to_evaluate).toEqual(["shop"]);
		});

		it("sends the call's person properties over the subject's and the standard ones", () => {
			init();
			spec.PostHog.SetPersonPropertiesForFlags("user_1", { level: 3, plan: "free" }, false);
			onServer(() =>
				spec.PostHog.GetFeatureFlag("user_1", "the-flag", { personProperties: { plan: "pro", $device_id: "d-1" } }),
			);
			expect(flagsBodies(spec.fake)[0].person_properties).toEqual({
				distinct_id: "user_1",
				level: 3,
				plan: "pro",
				$device_id: "d-1",
			});
		});

		it("sends the call's groups and group properties with the subject's", () => {
			init();
			spec.PostHog.Group("user_1", "guild", "knights", { name: "The Knights" });
			onServer(() =>
				spec.PostHog.GetFeatureFlag("user_1", "the-flag", {
					groups: { company: "acme" },
					groupProperties: { company: { plan: "enterprise" }, guild: { rank: 2 } },
				}),
			);
			const body = flagsBodies(spec.fake)[0];
			expect(body.groups).toEqual({ guild: "knights", company: "acme" });
			expect(body.group_properties).toEqual({
				guild: { $group_key: "knights", name: "The Knights", rank: 2 },
				company: { $group_key: "acme", plan: "enterprise" },
			});
		});

		it("drops the subject's group properties when the call names another group of that type", () => {
			init({ sendDefaultPersonPropertiesForFlags: false });
			spec.PostHog.Group("user_1", "guild", "knights", { name: "The Knights" });
			onServer(() => spec.PostHog.GetFeatureFlag("user_1", "the-flag", { groups: { guild: "rogues" } }));
			const body = flagsBodies(spec.fake)[0];
			expect(body.groups).toEqual({ guild: "rogues" });
			expect(body.group_properties).toEqual({ guild: {} });
		});

		it("does not change what later loads send", () => {
			init({ sendDefaultPersonPropertiesForFlags: false });
			onServer(() =>
				spec.PostHog.GetFeatureFlag("user_1", "the-flag", { groups: { company: "acme" }, personProperties: { a: 1 } }),
			);
			reloadFlags(spec.world, spec.server, spec.PostHog, "user_1");
			const body = flagsBodies(spec.fake)[1];
			expect(body.flag_keys_to_evaluate).toBeUndefined();
			expect(body.person_properties).toEqual({});
			expect(body.groups).toEqual({});
		});

		it("sends one $feature_flag_called with the call's groups", () => {
			init();
			onServer(() => spec.PostHog.GetFeatureFlag("user_1", "the-flag", { groups: { company: "acme" } }));
			const events = flagEvents();
			expect(events.size()).toBe(1);
			expect(props(events[0])).toMatchObject({
				$feature_flag: "the-flag",
				$feature_flag_response: "blue",
				locally_evaluated: false,
				$groups: { company: "acme" },
			});
		});

		it("reads a flag PostHog did not return as off, whatever the default, and reports flag_missing", () => {
			init();
			expect(onServer(() => spec.PostHog.IsFeatureEnabled("user_1", "nope", true, {})).result).toBe(false);
			expect(props(flagEvents()[0]).$feature_flag_error).toBe("flag_missing");
		});

		it("falls back to the subject's loaded value when the request fails", () => {
			init();
			reloadFlags(spec.world, spec.server, spec.PostHog, "user_1");
			spec.fake.script("flags", [{ status: 500 }]);
			const call = onServer(() => spec.PostHog.GetFeatureFlag("user_1", "the-flag", {}));
			expect(call.result?.value).toBe("blue");
			expect(flagsBodies(spec.fake).size()).toBe(2);
			expect(props(flagEvents()[0]).$feature_flag_error).toBe("api_error_500");
			expect(linesWith(spec.warnings(), "api_error_500").size()).toBe(1);
		});

		it("retries a 502 once", () => {
			init();
			spec.fake.script("flags", [{ status: 502 }]);
			expect(onServer(() => spec.PostHog.GetFeatureFlag("user_1", "the-flag", {})).result?.value).toBe("blue");
			expect(spec.fake.requests("flags").map((request) => request.status)).toEqual([502, 200]);
		});

		it("sends nothing for an opted-out subject", () => {
			init();
			spec.PostHog.OptOut("user_1");
			expect(onServer(() => spec.PostHog.IsFeatureEnabled("user_1", "other-flag", true, {})).result).toBe(true);
			expect(flagsBodies(spec.fake).size()).toBe(0);
		});
	});

	describe("with local definitions", () => {
		function initLocal(overrides?: Record<string, unknown>) {
			spec.fake.definitions(
				definitionsBody([
					aFlag("vip-only", [{ key: "is_vip", value: ["true"], operator: "exact" }]),
					aFlag("needs-level", [{ key: "level", value: 10, operator: "gt" }]),
				]),
			);
			init({ featureFlagsSecureKey: SECURE_KEY, ...overrides });
			spec.world.runFor(0.5);
			spec.fake.clear();
		}

		it("decides locally with the call's properties, without a request or a yield", () => {
			initLocal();
			const call = callOnServer(spec.world, spec.server, () =>
				spec.PostHog.IsFeatureEnabled("user_1", "vip-only", { personProperties: { is_vip: true } }),
			);
			expect(call.returnedAtOnce).toBe(true);
			expect(call.result).toBe(true);
			expect(flagsBodies(spec.fake).size()).toBe(0);
		});

		it("asks /flags for that flag alone when the definitions cannot decide it", () => {
			initLocal();
			spec.fake.flags({ flags: { "needs-level": true } });
			const call = onServer(() => spec.PostHog.IsFeatureEnabled("user_1", "needs-level", {}));
			expect(call.returnedAtOnce).toBe(false);
			expect(call.result).toBe(true);
			expect(flagsBodies(spec.fake).map((body) => body.flag_keys_to_evaluate)).toEqual([["needs-level"]]);
		});

		it("never asks /flags with onlyEvaluateLocally: an undecided flag reads as not loaded", () => {
			initLocal();
			const call = callOnServer(spec.world, spec.server, () =>
				spec.PostHog.IsFeatureEnabled("user_1", "needs-level", true, { onlyEvaluateLocally: true }),
			);
			expect(call.returnedAtOnce).toBe(true);
			expect(call.result).toBe(true);
			spec.world.runFor(1);
			expect(flagsBodies(spec.fake).size()).toBe(0);
		});
	});

	describe("GeoIP", () => {
		it("sends geoip_disable true by default, on loads and single-flag reads", () => {
			init();
			reloadFlags(spec.world, spec.server, spec.PostHog, "user_1");
			onServer(() => spec.PostHog.GetFeatureFlag("user_1", "the-flag", {}));
			expect(flagsBodies(spec.fake).map((body) => body.geoip_disable)).toEqual([true, true]);
		});

		it("sends geoip_disable false with disableGeoip = false, on loads and single-flag reads", () => {
			init({ disableGeoip: false });
			reloadFlags(spec.world, spec.server, spec.PostHog, "user_1");
			onServer(() => spec.PostHog.GetFeatureFlag("user_1", "the-flag", {}));
			expect(flagsBodies(spec.fake).map((body) => body.geoip_disable)).toEqual([false, false]);
		});

		it("takes the call's disableGeoip = true over Init's false", () => {
			init({ disableGeoip: false });
			onServer(() => spec.PostHog.GetFeatureFlag("user_1", "the-flag", { disableGeoip: true }));
			expect(flagsBodies(spec.fake)[0].geoip_disable).toBe(true);
		});

		it("takes the call's disableGeoip = false over the default", () => {
			init();
			onServer(() => spec.PostHog.GetFeatureFlag("user_1", "the-flag", { disableGeoip: false }));
			expect(flagsBodies(spec.fake)[0].geoip_disable).toBe(false);
		});
	});

	describe("bad options", () => {
		const cases: Array<[string, unknown, string]> = [
			["not a table", "fast", "options must be a table or nil, got string"],
			["an unknown field", { person_properties: {} }, 'options has an unknown field "person_properties"'],
			["groups with a number key", { groups: { company: 5 } }, "options.groups must map group types to group keys"],
			["groups that is not a table", { groups: "acme" }, "options.groups must map group types"],
			["personProperties that is a string", { personProperties: "pro" }, "options.personProperties must be a table"],
			[
				"groupProperties with a non-table entry",
				{ groupProperties: { company: "acme" } },
				'options.groupProperties must map group types to property tables, got "company" = "acme"',
			],
			["onlyEvaluateLocally that is a string", { onlyEvaluateLocally: "yes" }, "options.onlyEvaluateLocally must be"],
			["disableGeoip that is a number", { disableGeoip: 1 }, "options.disableGeoip must be true, false or nil"],
		];
		for (const [what, options, warning] of cases) {
			it(`ignore the read with a warning: ${what}`, () => {
				init();
				const call = callOnServer(spec.world, spec.server, () =>
					spec.PostHog.GetFeatureFlag("user_1", "the-flag", options as never),
				);
				expect(call.returnedAtOnce).toBe(true);
				expect(call.result?.value).toBe(false);
				spec.world.runFor(1);
				expect(flagsBodies(spec.fake).size()).toBe(0);
				expect(linesWith(spec.warnings(), warning).size()).toBe(1);
			});
		}
	});
});
