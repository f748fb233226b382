// Remote feature flags end to end (roblox-sdk-docs "Feature flags"; posthog-protocol §9; peers.md §9
// items 9–12, 25): what the server sends to /flags for players and other subjects, how it reads both
// answer shapes, the retry and timeout contract through the engine's HttpService, the preload on
// join and the cache dropped on leave, and reads that never yield.
import { describe, expect, it } from "@rbxts/jest-globals";
import { callOnServer, flagsBodies, reloadFlags } from "../support/flags";
import { reportClientContext } from "../support/sdkInternals";
import { linesWith, useServerSpec } from "../support/serverSpec";

describe("feature flags from PostHog", () => {
	const spec = useServerSpec({ shared: true });

	/** Players of earlier tests leave and the fake serves no flags; then Init with preloading on and `overrides`. */
	function init(overrides?: Record<string, unknown>) {
		resetWorld();
		spec.init({ preloadFeatureFlags: true, ...overrides });
	}

	function resetWorld() {
		for (const client of [...spec.world.clients]) spec.world.removePlayer(client);
		spec.world.runFor(0.1);
		spec.fake.flags({ flags: {} });
		spec.fake.clear();
	}

	function reload(subject: unknown) {
		return reloadFlags(spec.world, spec.server, spec.PostHog, subject);
	}

	describe("the /flags request", () => {
		it("carries the token, distinct id, empty maps as objects and geoip_disable", () => {
			init({ sendDefaultPersonPropertiesForFlags: false });
			expect(reload("user-1").result).toBe(true);
			const [request] = spec.fake.requests("flags");
			expect(request.method).toBe("POST");
			expect(request.path).toBe("/flags/");
			expect(request.query.v).toBe("2");
			expect(request.headers.authorization).toBeUndefined();
			const text = request.bodyText ?? "";
			for (const part of ['"groups":{}', '"person_properties":{}', '"group_properties":{}', '"geoip_disable":true']) {
				expect(text.find(part, 1, true)[0]).never.toBeUndefined();
			}
			const body = flagsBodies(spec.fake)[0];
			expect(body.token).toBe("phc_test_key");
			expect(body.api_key).toBeUndefined();
			expect(body.distinct_id).toBe("user-1");
			expect(body.flag_keys_to_evaluate).toBeUndefined();
		});

		it("sends a player's standard properties, country included", () => {
			init();
			spec.world.joinPlayer({ userId: 501, accountAge: 12.7, membershipType: "Premium", country: "GB" });
			spec.world.runFor(1);
			expect(flagsBodies(spec.fake).map((body) => body.person_properties)).toEqual([
				{
					distinct_id: "501",
					country_code: "GB",
					$geoip_country_code: "GB",
					account_age_days: 12,
					membership_type: "Premium",
				},
			]);
		});

		it("sends the device the client relay reported", () => {
			init({ preloadFeatureFlags: false });
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			reportClientContext(spec.PostHog, client.player, "Mobile", "Phone");
			reload(client.player);
			const person = flagsBodies(spec.fake)[0].person_properties ?? {};
			expect(person.$device_type).toBe("Mobile");
		});

		it("preloads without the country when the lookup takes too long, and sends it once known", () => {
			init();
			const client = spec.world.joinPlayer({ userId: 501, country: "FR", countryLookupSeconds: 4 });
			spec.world.runFor(2.5);
			expect(flagsBodies(spec.fake).size()).toBe(1);
			expect(flagsBodies(spec.fake)[0].person_properties?.country_code).toBeUndefined();
			spec.world.runFor(2);
			reload(client.player);
			expect(flagsBodies(spec.fake)[1].person_properties?.country_code).toBe("FR");
		});

		it("lets the game's person properties win over the standard ones", () => {
			init({ preloadFeatureFlags: false });
			const client = spec.world.joinPlayer({ userId: 501, country: "GB" });
			spec.world.runFor(0.5);
			spec.PostHog.SetPersonPropertiesForFlags(client.player, { country_code: "FR", level: 12 }, false);
			reload(client.player);
			const person = flagsBodies(spec.fake)[0].person_properties ?? {};
			expect(person.country_code).toBe("FR");
			expect(person.$geoip_country_code).toBe("GB");
			expect(person.level).toBe(12);
		});

		it("sends only the game's properties with sendDefaultPersonPropertiesForFlags off", () => {
			init({ sendDefaultPersonPropertiesForFlags: false });
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			spec.PostHog.SetPersonPropertiesForFlags(client.player, { level: 3 });
			spec.world.runFor(0.5);
			expect(flagsBodies(spec.fake).map((body) => body.person_properties)).toEqual([{}, { level: 3 }]);
		});

		it("sends Group memberships as groups and group properties for flags", () => {
			init({ preloadFeatureFlags: false });
			spec.PostHog.Group("user-1", "guild", "knights", { name: "The Knights", member_count: 42 });
			spec.PostHog.Group("user-1", "team", "red");
			spec.PostHog.SetGroupPropertiesForFlags("user-1", "team", { size: 4 }, false);
			reload("user-1");
			const body = flagsBodies(spec.fake)[0];
			expect(body.groups).toEqual({ guild: "knights", team: "red" });
			expect(body.group_properties).toEqual({
				guild: { $group_key: "knights", name: "The Knights", member_count: 42 },
				team: { $group_key: "red", size: 4 },
			});
		});

		it("drops a group's properties when Group puts the subject in another group of that type", () => {
			init({ preloadFeatureFlags: false, sendDefaultPersonPropertiesForFlags: false });
			spec.PostHog.Group("user-1", "guild", "knights", { name: "The Knights" });
			spec.PostHog.Group("user-1", "guild", "rogues");
			reload("user-1");
			expect(flagsBodies(spec.fake)[0].group_properties).toEqual({ guild: {} });
		});

		it("keeps group properties set for flags before Group put the subject in the group", () => {
			init({ preloadFeatureFlags: false, sendDefaultPersonPropertiesForFlags: false });
			spec.PostHog.SetGroupPropertiesForFlags("user-1", "guild", { member_count: 42 }, false);
			spec.PostHog.Group("user-1", "guild", "knights", { name: "The Knights" });
			reload("user-1");
			expect(flagsBodies(spec.fake)[0].group_properties).toEqual({
				guild: { member_count: 42, name: "The Knights" },
			});
		});

		it("sends an Instance in flag properties as its name rather than failing", () => {
			init({ preloadFeatureFlags: false, sendDefaultPersonPropertiesForFlags: false });
			const part = new Instance("Folder");
			part.Name = "Sword";
			spec.PostHog.SetPersonPropertiesForFlags("user-1", { weapon: part, bad: 0 / 0 }, false);
			expect(reload("user-1").result).toBe(true);
			expect(flagsBodies(spec.fake)[0].person_properties).toEqual({ weapon: "Sword", bad: "NaN" });
		});
	});

	describe("answers", () => {
		const flags = {
			"new-shop": true,
			"old-shop": false,
			checkout: { enabled: true, variant: "blue", payload: { theme: "dark", maxItems: 5 } },
			banner: { enabled: true, payload: "Welcome!" },
		};

		for (const shape of ["v2", "legacy"] as const) {
			it(`reads values, variants and decoded payloads from the ${shape} shape`, () => {
				init({ preloadFeatureFlags: false });
				spec.fake.flags({ flags, shape });
				expect(reload("user-1").result).toBe(true);
				expect(spec.PostHog.IsFeatureEnabled("user-1", "new-shop")).toBe(true);
				expect(spec.PostHog.IsFeatureEnabled("user-1", "old-shop", true)).toBe(false);
				expect(spec.PostHog.GetFeatureFlag("user-1", "checkout")).toEqual({
					key: "checkout",
					value: "blue",
					isEnabled: true,
					variant: "blue",
					payload: { theme: "dark", maxItems: 5 },
				});
				expect(spec.PostHog.GetFeatureFlagPayload("user-1", "banner")).toBe("Welcome!");
			});
		}

		it("keeps a payload that is not JSON as the string it is", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.script("flags", [
				{ body: '{"flags":{"k":{"key":"k","enabled":true,"metadata":{"payload":"not {json"}}}}' },
			]);
			reload("user-1");
			expect(spec.PostHog.GetFeatureFlagPayload("user-1", "k")).toBe("not {json");
		});

		it("reads a flag PostHog did not return as off once loaded", () => {
			init({ preloadFeatureFlags: false });
			reload("user-1");
			expect(spec.PostHog.IsFeatureEnabled("user-1", "unknown", true)).toBe(false);
			expect(spec.PostHog.GetFeatureFlag("user-1", "unknown")).toEqual({
				key: "unknown",
				value: false,
				isEnabled: false,
			});
			expect(spec.PostHog.GetFeatureFlagPayload("user-1", "unknown")).toBeUndefined();
		});

		it("replaces the values of the previous load, dropping flags that disappeared", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.flags({ flags: { a: true, b: true } });
			reload("user-1");
			spec.fake.flags({ flags: { a: "test" } });
			reload("user-1");
			expect(spec.PostHog.GetFeatureFlag("user-1", "a").value).toBe("test");
			expect(spec.PostHog.IsFeatureEnabled("user-1", "b", true)).toBe(false);
		});

		it("keeps the last good values when PostHog is over its flags quota", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.flags({ flags: { a: true } });
			reload("user-1");
			spec.fake.flags({ flags: { a: false }, quotaLimited: true });
			expect(reload("user-1").result).toBe(false);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(true);
		});

		it("keeps the last good value of flags PostHog could not compute", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.flags({ flags: { a: true, b: "x" } });
			reload("user-1");
			spec.fake.flags({ flags: { a: false }, errorsWhileComputingFlags: true });
			expect(reload("user-1").result).toBe(true);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(false);
			expect(spec.PostHog.GetFeatureFlag("user-1", "b").value).toBe("x");
		});

		it("answers per distinct id", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.flags({ flags: { beta: false }, byDistinctId: { "user-2": { beta: true } } });
			reload("user-1");
			reload("user-2");
			expect(spec.PostHog.IsFeatureEnabled("user-1", "beta")).toBe(false);
			expect(spec.PostHog.IsFeatureEnabled("user-2", "beta")).toBe(true);
		});
	});

	describe("retries and timeouts", () => {
		for (const status of [502, 504]) {
			it(`retries once after HTTP ${status}`, () => {
				init({ preloadFeatureFlags: false });
				spec.fake.flags({ flags: { a: true } });
				spec.fake.script("flags", [{ status }]);
				expect(reload("user-1").result).toBe(true);
				expect(spec.fake.requests("flags").size()).toBe(2);
				expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(true);
			});
		}

		it("gives up after one retry", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.script("flags", [{ status: 502 }, { status: 502 }, { status: 502 }]);
			expect(reload("user-1").result).toBe(false);
			expect(spec.fake.requests("flags").size()).toBe(2);
		});

		for (const status of [500, 429, 503, 408, 401]) {
			it(`does not retry HTTP ${status}`, () => {
				init({ preloadFeatureFlags: false });
				spec.fake.script("flags", [{ status }]);
				expect(reload("user-1").result).toBe(false);
				spec.world.runFor(5);
				expect(spec.fake.requests("flags").size()).toBe(1);
				expect(linesWith(spec.warnings(), `api_error_${status}`).size()).toBe(1);
			});
		}

		it("gives each attempt 3 seconds, then retries once", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.script("flags", [{ timeout: true }, { timeout: true }]);
			const call = reload("user-1");
			expect(call.result).toBe(false);
			const requests = spec.fake.requests("flags");
			expect(requests.size()).toBe(2);
			expect(requests[1].receivedAt - requests[0].receivedAt).toBeCloseTo(3.3, 1);
			expect(call.seconds).toBeCloseTo(6.3, 1);
			expect(linesWith(spec.warnings(), "timeout").size()).toBe(1);
		});

		it("succeeds when the retry after a timeout answers", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.flags({ flags: { a: true } });
			spec.fake.script("flags", [{ timeout: true }]);
			expect(reload("user-1").result).toBe(true);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(true);
		});
	});

	describe("players", () => {
		it("preloads a player's flags when they join", () => {
			init();
			spec.fake.flags({ flags: { a: true } });
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(1);
			expect(flagsBodies(spec.fake).map((body) => body.distinct_id)).toEqual(["501"]);
			expect(spec.PostHog.IsFeatureEnabled(client.player, "a")).toBe(true);
			expect(spec.PostHog.IsFeatureEnabled(501, "a")).toBe(true);
		});

		it("preloads the players already in the server at Init", () => {
			resetWorld();
			spec.world.joinPlayer({ userId: 501 });
			spec.world.joinPlayer({ userId: 502 });
			spec.world.runFor(0.5);
			spec.init({ preloadFeatureFlags: true });
			spec.world.runFor(1);
			const ids = flagsBodies(spec.fake).map((body) => body.distinct_id ?? "");
			ids.sort();
			expect(ids).toEqual(["501", "502"]);
		});

		it("makes no request on join with preloadFeatureFlags off", () => {
			init({ preloadFeatureFlags: false });
			spec.world.joinPlayer();
			spec.world.runFor(5);
			expect(spec.fake.requests("flags").size()).toBe(0);
		});

		it("makes no /flags request at Init or for a capture", () => {
			init();
			spec.PostHog.Capture("user-1", "clicked");
			spec.PostHog.Flush();
			spec.world.runFor(5);
			expect(spec.fake.requests("flags").size()).toBe(0);
			expect(spec.fake.requests("definitions").size()).toBe(0);
		});

		it("returns the default at once while the preload is still out", () => {
			init();
			spec.fake.flags({ flags: { a: false, b: "x" } });
			spec.fake.script("flags", [{ delaySeconds: 2 }]);
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			const read = callOnServer(spec.world, spec.server, () => [
				spec.PostHog.IsFeatureEnabled(client.player, "a", true),
				spec.PostHog.IsFeatureEnabled(client.player, "a"),
				spec.PostHog.GetFeatureFlag(client.player, "b").value,
			]);
			expect(read.returnedAtOnce).toBe(true);
			expect(read.result).toEqual([true, false, false]);
			spec.world.runFor(2.5);
			expect(spec.PostHog.IsFeatureEnabled(client.player, "a", true)).toBe(false);
			expect(spec.PostHog.GetFeatureFlag(client.player, "b").value).toBe("x");
		});

		it("drops a player's flags when they leave", () => {
			init();
			spec.fake.flags({ flags: { a: true } });
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(1);
			spec.world.removePlayer(client);
			spec.world.runFor(0.5);
			expect(spec.PostHog.IsFeatureEnabled(501, "a", false)).toBe(false);
			expect(reload(client.player).result).toBe(false);
			expect(spec.fake.requests("flags").size()).toBe(1);
		});

		it("does not keep what a preload brings back after the player left", () => {
			init();
			spec.fake.flags({ flags: { a: true } });
			spec.fake.script("flags", [{ delaySeconds: 2 }]);
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			spec.world.removePlayer(client);
			spec.world.runFor(3);
			expect(spec.PostHog.IsFeatureEnabled(501, "a", false)).toBe(false);
		});

		it("makes no flag request for a player who opted out", () => {
			init();
			// The game opts the player out in its own PlayerAdded handler, before the preload is sent.
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.PostHog.OptOut(client.player);
			spec.world.runFor(1);
			expect(reload(client.player).result).toBe(false);
			expect(spec.fake.requests("flags").size()).toBe(0);
		});
	});

	describe("ReloadFeatureFlags", () => {
		it("yields until PostHog answers and returns true", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.flags({ flags: { a: true } });
			spec.fake.script("flags", [{ delaySeconds: 1.5 }]);
			const call = reload("user-1");
			expect(call.returnedAtOnce).toBe(false);
			expect(call.result).toBe(true);
			expect(call.seconds).toBeCloseTo(1.5, 1);
		});

		it("returns false when the request fails", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.script("flags", [{ status: 500 }]);
			expect(reload("user-1").result).toBe(false);
		});

		it("shares one request between calls for the same subject", () => {
			init({ preloadFeatureFlags: false });
			spec.fake.script("flags", [{ delaySeconds: 1 }]);
			const first = callOnServer(spec.world, spec.server, () => spec.PostHog.ReloadFeatureFlags("user-1"));
			const second = callOnServer(spec.world, spec.server, () => spec.PostHog.ReloadFeatureFlags("user-1"));
			spec.world.runFor(2);
			expect([first.result, second.result]).toEqual([true, true]);
			expect(spec.fake.requests("flags").size()).toBe(1);
		});

		it("loads again after the request in flight when the properties changed meanwhile", () => {
			init({ preloadFeatureFlags: false, sendDefaultPersonPropertiesForFlags: false });
			spec.fake.script("flags", [{ delaySeconds: 1 }]);
			callOnServer(spec.world, spec.server, () => spec.PostHog.ReloadFeatureFlags("user-1"));
			spec.PostHog.SetPersonPropertiesForFlags("user-1", { level: 2 }, false);
			const second = callOnServer(spec.world, spec.server, () => spec.PostHog.ReloadFeatureFlags("user-1"));
			spec.world.runFor(3);
			expect(second.result).toBe(true);
			expect(flagsBodies(spec.fake).map((body) => body.person_properties)).toEqual([{}, { level: 2 }]);
		});

		it("is skipped, keeping the cached values, when the HTTP budget is used up", () => {
			init({ preloadFeatureFlags: false, maxRequestsPerMinute: 1, logLevel: "debug" });
			spec.fake.flags({ flags: { a: true } });
			expect(reload("user-1").result).toBe(true);
			expect(reload("user-1").result).toBe(false);
			expect(spec.fake.requests("flags").size()).toBe(1);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(true);
			expect(linesWith(spec.output(), "HTTP budget").size()).toBe(1);
		});
	});

	describe("overriding properties", () => {
		it("reloads after SetPersonPropertiesForFlags", () => {
			init({ preloadFeatureFlags: false, sendDefaultPersonPropertiesForFlags: false });
			spec.fake.flags({ flags: { vip: true } });
			spec.PostHog.SetPersonPropertiesForFlags("user-1", { level: 12, is_vip: true });
			spec.world.runFor(0.5);
			expect(flagsBodies(spec.fake).map((body) => body.person_properties)).toEqual([{ level: 12, is_vip: true }]);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "vip")).toBe(true);
		});

		it("reloads after SetGroupPropertiesForFlags", () => {
			init({ preloadFeatureFlags: false });
			spec.PostHog.Group("user-1", "guild", "knights");
			spec.PostHog.SetGroupPropertiesForFlags("user-1", "guild", { member_count: 42 });
			spec.world.runFor(0.5);
			expect(flagsBodies(spec.fake).map((body) => body.group_properties)).toEqual([
				{ guild: { $group_key: "knights", member_count: 42 } },
			]);
		});

		it("does not reload when the last argument is false, but sends the properties next time", () => {
			init({ preloadFeatureFlags: false, sendDefaultPersonPropertiesForFlags: false });
			spec.PostHog.SetPersonPropertiesForFlags("user-1", { level: 1 }, false);
			spec.PostHog.SetGroupPropertiesForFlags("user-1", "guild", { size: 3 }, false);
			spec.PostHog.SetPersonPropertiesForFlags("user-1", { coins: 5 }, false);
			spec.world.runFor(5);
			expect(spec.fake.requests("flags").size()).toBe(0);
			reload("user-1");
			const body = flagsBodies(spec.fake)[0];
			expect(body.person_properties).toEqual({ level: 1, coins: 5 });
			expect(body.group_properties).toEqual({ guild: { size: 3 } });
		});

		it("reloads a player's loaded flags when Group changes their group", () => {
			init();
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(1);
			spec.PostHog.Group(client.player, "guild", "knights");
			spec.PostHog.Group(client.player, "guild", "knights");
			spec.world.runFor(1);
			expect(flagsBodies(spec.fake).map((body) => body.groups)).toEqual([{}, { guild: "knights" }]);
		});

		it("uses Identify's properties in the next load without reloading", () => {
			init({ preloadFeatureFlags: false, sendDefaultPersonPropertiesForFlags: false });
			spec.PostHog.Identify("user-1", { plan: "pro" });
			spec.world.runFor(1);
			expect(spec.fake.requests("flags").size()).toBe(0);
			reload("user-1");
			expect(flagsBodies(spec.fake)[0].person_properties).toEqual({ plan: "pro" });
		});

		it("keeps the properties of the 1,000 most recently used subjects that are not players", () => {
			init({ preloadFeatureFlags: false, sendDefaultPersonPropertiesForFlags: false });
			spec.PostHog.SetPersonPropertiesForFlags("subject-0", { a: 1 }, false);
			for (let index = 1; index <= 999; index++) {
				spec.PostHog.SetPersonPropertiesForFlags(`subject-${index}`, { a: 1 }, false);
			}
			spec.PostHog.SetPersonPropertiesForFlags("subject-0", { b: 2 }, false);
			spec.PostHog.SetPersonPropertiesForFlags("subject-1000", { a: 1 }, false);
			reload("subject-0");
			reload("subject-1");
			expect(flagsBodies(spec.fake).map((body) => body.person_properties)).toEqual([{ a: 1, b: 2 }, {}]);
		});

		it("warns about and ignores properties that are not a table", () => {
			init({ preloadFeatureFlags: false });
			spec.PostHog.SetPersonPropertiesForFlags("user-1", "level" as never);
			spec.PostHog.SetGroupPropertiesForFlags("user-1", "guild", undefined as never);
			spec.world.runFor(1);
			expect(spec.fake.requests("flags").size()).toBe(0);
			expect(linesWith(spec.warnings(), "properties must be a table").size()).toBe(2);
		});
	});

	describe("before Init", () => {
		it("returns the default and makes no request", () => {
			resetWorld();
			expect(spec.PostHog.IsFeatureEnabled("user-1", "a", true)).toBe(true);
			expect(spec.PostHog.IsFeatureEnabled("user-1", "a")).toBe(false);
			expect(spec.PostHog.GetFeatureFlag("user-1", "a")).toEqual({ key: "a", value: false, isEnabled: false });
			expect(spec.PostHog.GetFeatureFlagPayload("user-1", "a")).toBeUndefined();
			expect(reload("user-1").result).toBe(false);
			expect(spec.fake.requests().size()).toBe(0);
		});
	});
});
