// Local evaluation end to end (featureFlagsSecureKey; posthog-protocol §12; peers.md §9 item 13): the
// server polls /flags/definitions with the secure key and ETags, evaluates players' flags in Luau with
// their standard and overridden properties, asks /flags only for what it cannot decide, and makes
// joins and reads cost no request and no yield.
import { describe, expect, it } from "@rbxts/jest-globals";
import {
	ID_COUNT,
	MULTIVARIATE_EXPECTED,
	MULTIVARIATE_FLAG,
	SIMPLE_EXPECTED,
	SIMPLE_FLAG,
	VARIANT_KEYS,
} from "../fixtures/flagConsistency";
import { aFlag, callOnServer, definitionsBody, flagsBodies, reloadFlags, WireFlag } from "../support/flags";
import { named, props } from "../support/sdkInternals";
import { linesWith, useServerSpec } from "../support/serverSpec";

const SECURE_KEY = "phs_test_secure_key";
const DAY_MILLIS = 86_400_000;

describe("local evaluation", () => {
	const spec = useServerSpec({ shared: true });

	/**
	 * Serves `flags` as definitions, then Init with the secure key and the definitions loaded. Every
	 * test serves its own definitions to a new SDK in the same world, so sharing is off here: the
	 * previous test's SDK would hand over its definitions (flagsShared.spec covers sharing).
	 */
	function init(flags: WireFlag[], overrides?: Record<string, unknown>, etag?: string) {
		for (const client of [...spec.world.clients]) spec.world.removePlayer(client);
		spec.fake.flags({ flags: {} });
		spec.fake.definitions(definitionsBody(flags, { groupTypeMapping: { "0": "guild" } }), etag);
		spec.world.runFor(0.1);
		spec.fake.clear();
		spec.init({
			featureFlagsSecureKey: SECURE_KEY,
			preloadFeatureFlags: true,
			shareFlagDefinitions: false,
			...overrides,
		});
		spec.world.runFor(0.5);
	}

	function reload(subject: unknown) {
		return reloadFlags(spec.world, spec.server, spec.PostHog, subject).result;
	}

	function flagEvents() {
		spec.PostHog.Flush();
		spec.world.runFor(1);
		return named(spec.delivered(), "$feature_flag_called");
	}

	describe("definitions", () => {
		it("are fetched at Init with the secure key as bearer and the project token", () => {
			init([aFlag("a")]);
			const requests = spec.fake.requests("definitions");
			expect(requests.size()).toBe(1);
			expect(requests[0].method).toBe("GET");
			expect(requests[0].query.token).toBe("phc_test_key");
			expect(requests[0].query.send_cohorts).toBeDefined();
			expect(requests[0].headers.authorization).toBe(`Bearer ${SECURE_KEY}`);
			expect(requests[0].status).toBe(200);
		});

		it("are polled every featureFlagsPollIntervalSeconds with the ETag, and a 304 keeps them", () => {
			init([aFlag("a")], { featureFlagsPollIntervalSeconds: 60 }, '"v1"');
			spec.world.runFor(125);
			const requests = spec.fake.requests("definitions");
			expect(requests.map((request) => math.round(request.receivedAt - requests[0].receivedAt))).toEqual([0, 60, 120]);
			expect(requests[1].headers["if-none-match"]).toBe('"v1"');
			expect(requests[1].status).toBe(304);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(true);
			expect(spec.fake.requests("flags").size()).toBe(0);
		});

		it("are replaced when they change", () => {
			init([aFlag("a")], undefined, '"v1"');
			expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(true);
			spec.fake.definitions(definitionsBody([aFlag("a", [], 0)]), '"v2"');
			spec.world.runFor(30);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(false);
			expect(spec.fake.requests("definitions")[1].status).toBe(200);
		});

		it("are dropped when PostHog refuses the key: flags go to /flags", () => {
			init([aFlag("a")]);
			spec.fake.definitions(definitionsBody([aFlag("a")]), undefined, "phs_other_key");
			spec.world.runFor(31);
			spec.fake.flags({ flags: { a: "remote" } });
			expect(reload("user-1")).toBe(true);
			expect(spec.fake.requests("flags").size()).toBe(1);
			expect(spec.PostHog.GetFeatureFlag("user-1", "a").value).toBe("remote");
			expect(linesWith(spec.warnings(), "refused the key").size()).toBe(1);
		});

		it("are polled within the HTTP budget", () => {
			init([aFlag("a")], { maxRequestsPerMinute: 2, featureFlagsPollIntervalSeconds: 10 });
			spec.PostHog.Capture("user-1", "clicked");
			spec.PostHog.Flush();
			spec.world.runFor(59);
			expect(spec.fake.requests().size()).toBe(2);
			expect(spec.fake.requests("batch").size()).toBe(1);
		});

		it("stop being polled at Shutdown", () => {
			init([aFlag("a")]);
			spec.server.spawn(() => spec.PostHog.Shutdown(0));
			spec.world.runFor(100);
			expect(spec.fake.requests("definitions").size()).toBe(1);
		});
	});

	describe("players", () => {
		const FLAGS = [
			aFlag("uk-only", [{ key: "country_code", value: ["GB"], operator: "exact" }]),
			aFlag("veterans", [{ key: "account_age_days", value: 365, operator: "gt" }]),
			aFlag("premium", [{ key: "membership_type", value: "Premium" }]),
			aFlag("everyone"),
		];

		it("evaluates a player's flags on join without a /flags request", () => {
			init(FLAGS);
			const briton = spec.world.joinPlayer({ userId: 501, country: "GB", accountAge: 1000 });
			const american = spec.world.joinPlayer({ userId: 502, country: "US", accountAge: 30, membershipType: "Premium" });
			spec.world.runFor(1);
			expect(spec.fake.requests("flags").size()).toBe(0);
			const values = (client: typeof briton) =>
				["uk-only", "veterans", "premium", "everyone"].map((key) => spec.PostHog.IsFeatureEnabled(client.player, key));
			expect(values(briton)).toEqual([true, true, false, true]);
			expect(values(american)).toEqual([false, false, true, true]);
		});

		it("costs zero /flags requests for 100 joins, and reads don't yield", () => {
			init(FLAGS);
			for (let index = 1; index <= 100; index++) {
				spec.world.joinPlayer({ userId: 1000 + index, country: index % 2 === 0 ? "GB" : "US" });
			}
			spec.world.runFor(1);
			expect(spec.fake.requests("flags").size()).toBe(0);
			const read = callOnServer(spec.world, spec.server, () => {
				let ukPlayers = 0;
				for (const client of spec.world.clients) {
					if (spec.PostHog.IsFeatureEnabled(client.player, "uk-only")) ukPlayers += 1;
					spec.PostHog.GetFeatureFlag(client.player, "everyone");
				}
				return ukPlayers;
			});
			expect(read.returnedAtOnce).toBe(true);
			expect(read.result).toBe(50);
			expect(spec.fake.requests("flags").size()).toBe(0);
		});

		it("answers reads at once before the join was handled, from what is known", () => {
			init(FLAGS);
			const client = spec.world.joinPlayer({ userId: 501, country: "GB" });
			const read = callOnServer(spec.world, spec.server, () => [
				spec.PostHog.IsFeatureEnabled(client.player, "everyone"),
				spec.PostHog.IsFeatureEnabled(client.player, "uk-only", true),
			]);
			expect(read.returnedAtOnce).toBe(true);
			expect(read.result).toEqual([true, true]);
			spec.world.runFor(1);
			expect(spec.PostHog.IsFeatureEnabled(client.player, "uk-only", false)).toBe(true);
		});

		it("waits for the first definitions before preloading a player who joins at Init", () => {
			for (const client of [...spec.world.clients]) spec.world.removePlayer(client);
			spec.fake.definitions(definitionsBody(FLAGS));
			spec.fake.script("definitions", [{ delaySeconds: 1 }]);
			spec.init({ featureFlagsSecureKey: SECURE_KEY, preloadFeatureFlags: true, shareFlagDefinitions: false });
			spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(2);
			expect(spec.fake.requests("flags").size()).toBe(0);
		});

		it("re-evaluates at once, without a request, after SetPersonPropertiesForFlags", () => {
			init([aFlag("high-level", [{ key: "level", value: 10, operator: "gte" }])]);
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(1);
			// The join asked /flags: the level was unknown then.
			expect(spec.fake.requests("flags").size()).toBe(1);
			spec.fake.clear();
			spec.PostHog.SetPersonPropertiesForFlags(client.player, { level: 3 });
			expect(spec.PostHog.IsFeatureEnabled(client.player, "high-level")).toBe(false);
			spec.PostHog.SetPersonPropertiesForFlags(client.player, { level: 12 });
			expect(spec.PostHog.IsFeatureEnabled(client.player, "high-level")).toBe(true);
			spec.world.runFor(1);
			expect(spec.fake.requests("flags").size()).toBe(0);
		});
	});

	describe("operators through the SDK", () => {
		const nowMillis = () => spec.world.nowMillis();

		const cases: Array<[operator: string, value: unknown, properties: Record<string, unknown>, expected: boolean]> = [
			["exact", ["pro", "team"], { plan: "Pro" }, true],
			["is_not", "pro", { plan: "free" }, true],
			["icontains", "KNIGHT", { title: "The Knights" }, true],
			["not_icontains", "rogue", { title: "The Rogues" }, false],
			["regex", "^v\\d+\\.\\d+$", { build: "v12.3" }, true],
			["not_regex", "^beta", { build: "beta-7" }, false],
			["starts_with", "eu-", { region: "eu-west" }, true],
			["lt", 18, { age: 21 }, false],
			["gte", "100", { coins: 100 }, true],
			["semver_gte", "1.4.0", { client_version: "v1.10.2" }, true],
			["semver_caret", "1.2.0", { client_version: "2.0.0" }, false],
			["semver_wildcard", "1.2.*", { client_version: "1.2.9" }, true],
			["is_date_before", "-7d", { joined_at: "2020-01-01T00:00:00Z" }, true],
			["is_date_after", "-7d", { joined_at: "2020-01-01T00:00:00Z" }, false],
			["is_set", "is_set", { nickname: "Bob" }, true],
		];
		for (const [operator, value, properties, expected] of cases) {
			it(`evaluates ${operator} locally`, () => {
				const [key] = next(properties);
				init([aFlag("f", [{ key, value, operator }])], { preloadFeatureFlags: false });
				spec.PostHog.SetPersonPropertiesForFlags("user-1", properties, false);
				expect(spec.PostHog.IsFeatureEnabled("user-1", "f", !expected)).toBe(expected);
				expect(reload("user-1")).toBe(true);
				expect(spec.fake.requests("flags").size()).toBe(0);
			});
		}

		it("evaluates a date against the world's clock", () => {
			const recent = DateTime.fromUnixTimestampMillis(nowMillis() - 2 * DAY_MILLIS).ToIsoDate();
			init([aFlag("f", [{ key: "joined_at", value: "-7d", operator: "is_date_after" }])], {
				preloadFeatureFlags: false,
			});
			spec.PostHog.SetPersonPropertiesForFlags("user-1", { joined_at: recent }, false);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "f")).toBe(true);
		});

		it("evaluates a group flag against Group's properties", () => {
			const guildFlag: WireFlag = {
				key: "big-guilds",
				id: 9,
				active: true,
				filters: {
					aggregation_group_type_index: 0,
					groups: [
						{
							properties: [{ key: "member_count", value: 40, operator: "gt", type: "group", group_type_index: 0 }],
							rollout_percentage: 100,
						},
					],
				},
			};
			init([guildFlag], { preloadFeatureFlags: false });
			expect(spec.PostHog.IsFeatureEnabled("user-1", "big-guilds", true)).toBe(false);
			spec.PostHog.Group("user-1", "guild", "knights", { member_count: 42 });
			spec.PostHog.Group("user-2", "guild", "rogues", { member_count: 12 });
			expect(spec.PostHog.IsFeatureEnabled("user-1", "big-guilds")).toBe(true);
			expect(spec.PostHog.IsFeatureEnabled("user-2", "big-guilds")).toBe(false);
			expect(spec.fake.requests("flags").size()).toBe(0);
		});

		it("reproduces the cross-SDK consistency vectors: 2000 of 2000", () => {
			init([SIMPLE_FLAG, MULTIVARIATE_FLAG], {
				preloadFeatureFlags: false,
				sendFeatureFlagEvents: false,
			});
			let matches = 0;
			for (let index = 0; index < ID_COUNT; index++) {
				const subject = `distinct_id_${index}`;
				const simple = SIMPLE_EXPECTED.sub(index + 1, index + 1) === "T";
				const digit = tonumber(MULTIVARIATE_EXPECTED.sub(index + 1, index + 1))!;
				const variant = digit === 0 ? false : VARIANT_KEYS[digit - 1];
				if (spec.PostHog.IsFeatureEnabled(subject, "simple-flag") === simple) matches += 1;
				if (spec.PostHog.GetFeatureFlag(subject, "multivariate-flag").value === variant) matches += 1;
			}
			expect(matches).toBe(2 * ID_COUNT);
			expect(spec.fake.requests("flags").size()).toBe(0);
		});
	});

	describe("what it cannot decide", () => {
		it("goes to /flags, once for all flags, and reads the remote value", () => {
			init([aFlag("local"), aFlag("needs-plan", [{ key: "plan", value: "pro" }])]);
			spec.fake.flags({ flags: { local: false, "needs-plan": true } });
			spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(1);
			expect(flagsBodies(spec.fake).map((body) => body.distinct_id)).toEqual(["501"]);
			expect(flagsBodies(spec.fake)[0].flag_keys_to_evaluate).toBeUndefined();
			expect(spec.PostHog.IsFeatureEnabled(501, "needs-plan")).toBe(true);
			expect(spec.PostHog.IsFeatureEnabled(501, "local")).toBe(true);
		});

		it("goes to /flags for a flag with experience continuity", () => {
			const flag = aFlag("sticky");
			flag.ensure_experience_continuity = true;
			init([flag], { preloadFeatureFlags: false });
			spec.fake.flags({ flags: { sticky: "remote" } });
			expect(spec.PostHog.IsFeatureEnabled("user-1", "sticky", true)).toBe(true);
			expect(reload("user-1")).toBe(true);
			expect(spec.PostHog.GetFeatureFlag("user-1", "sticky").value).toBe("remote");
		});

		it("reads a flag the definitions don't have as off, without a request", () => {
			init([aFlag("a")], { preloadFeatureFlags: false });
			spec.fake.flags({ flags: { a: false, brand_new: true } });
			expect(reload("user-1")).toBe(true);
			expect(spec.fake.requests("flags").size()).toBe(0);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "brand_new", true)).toBe(false);
		});
	});

	describe("$feature_flag_called", () => {
		it("says the value was evaluated locally, with the decoded payload", () => {
			const flag = aFlag("shop", [], 100, 12);
			flag.filters.payloads = { true: '{"theme":"dark"}' };
			init([flag], { preloadFeatureFlags: false });
			expect(spec.PostHog.GetFeatureFlagPayload("user-1", "shop")).toEqual({ theme: "dark" });
			spec.PostHog.IsFeatureEnabled("user-1", "shop");
			const events = flagEvents();
			expect(events.size()).toBe(1);
			const p = props(events[0]);
			expect(p.locally_evaluated).toBe(true);
			expect(p.$feature_flag_response).toBe(true);
			expect(p.$feature_flag_id).toBe(12);
			expect(p.$feature_flag_payload).toEqual({ theme: "dark" });
			expect(p.$feature_flag_reason).toBe("Evaluated locally");
			expect(p.$feature_flag_request_id).toBeUndefined();
		});
	});
});
