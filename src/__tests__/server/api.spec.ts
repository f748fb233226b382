// The server API end to end: each call, through a world server with the SDK installed, ends up as
// what the fake PostHog receives (roblox-sdk-docs.md; posthog-protocol.md §2, §8).
import { describe, expect, it } from "@rbxts/jest-globals";
import { CapturedEvent } from "../support/fakePostHog";
import { linesWith, useServerSpec } from "../support/serverSpec";

type Props = Record<string, unknown>;

function props(event: CapturedEvent): Props {
	return event.properties ?? {};
}

describe("the server API", () => {
	const spec = useServerSpec({ shared: true });

	/** Flushes and runs the world until the fake has answered. */
	function send() {
		spec.PostHog.Flush();
		spec.world.runFor(1);
	}

	/** The only delivered event named `name`. */
	function deliveredEvent(name: string): CapturedEvent {
		const matching = spec.delivered().filter((event) => event.event === name);
		expect(matching.size()).toBe(1);
		return matching[0];
	}

	describe("Capture", () => {
		it("sends the event name, the subject's distinct id and the caller's properties", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "level_completed", { level: 5, used_powerup: true, mode: "survival" });
			send();
			const event = deliveredEvent("level_completed");
			expect(event.distinct_id).toBe("user-1");
			expect(props(event).level).toBe(5);
			expect(props(event).used_powerup).toBe(true);
			expect(props(event).mode).toBe("survival");
		});

		it("sends an event captured without properties", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "game_joined");
			send();
			expect(props(deliveredEvent("game_joined")).$lib).toBe("posthog-rbx");
		});

		const badNames: Array<[string, unknown]> = [
			["an empty name", ""],
			["a number", 42],
			["nil", undefined],
		];
		for (const [what, name] of badNames) {
			it(`ignores a call whose event name is ${what}, with a warning`, () => {
				spec.init();
				spec.PostHog.Capture("user-1", name as string);
				send();
				expect(spec.batchRequests().size()).toBe(0);
				expect(linesWith(spec.warnings(), "PostHog:Capture").size()).toBe(1);
			});
		}

		it("ignores properties that are not a table, with a warning", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "clicked", "nope" as never);
			send();
			expect(spec.batchRequests().size()).toBe(0);
			expect(linesWith(spec.warnings(), "properties must be a table").size()).toBe(1);
		});
	});

	describe("subjects", () => {
		it("attributes a Player's events to their UserId as a string", () => {
			const client = spec.world.joinPlayer({ userId: 123456 });
			spec.world.runFor(0.2);
			spec.init();
			spec.PostHog.Capture(client.player, "level_completed");
			send();
			expect(deliveredEvent("level_completed").distinct_id).toBe("123456");
		});

		it("attributes a numeric UserId's events to it as a string", () => {
			spec.init();
			spec.PostHog.Capture(123456789012, "level_completed");
			send();
			expect(deliveredEvent("level_completed").distinct_id).toBe("123456789012");
		});

		it("uses a string subject as the distinct id verbatim", () => {
			spec.init();
			spec.PostHog.Capture("custom:Id-1", "level_completed");
			send();
			expect(deliveredEvent("level_completed").distinct_id).toBe("custom:Id-1");
		});

		it("attributes a nil subject's events to serverDistinctId", () => {
			spec.init({ serverDistinctId: "server-eu-1" });
			spec.PostHog.Capture(undefined, "shop_restocked");
			send();
			expect(deliveredEvent("shop_restocked").distinct_id).toBe("server-eu-1");
		});

		it('uses "server" as the default serverDistinctId', () => {
			spec.init();
			spec.PostHog.Capture(undefined, "shop_restocked");
			send();
			expect(deliveredEvent("shop_restocked").distinct_id).toBe("server");
		});

		const invalidSubjects: Array<[string, () => unknown]> = [
			["zero", () => 0],
			["a negative number", () => -5],
			["a fractional number", () => 1.5],
			["NaN", () => 0 / 0],
			["an empty string", () => ""],
			["a boolean", () => true],
			["a table", () => ({})],
			["an Instance that is not a Player", () => spec.server.game.GetService("Workspace")],
		];
		for (const [what, subject] of invalidSubjects) {
			it(`ignores a call whose subject is ${what}, with a warning`, () => {
				spec.init();
				spec.PostHog.Capture(subject() as never, "clicked");
				send();
				expect(spec.batchRequests().size()).toBe(0);
				expect(linesWith(spec.warnings(), "the subject must be").size()).toBe(1);
			});
		}
	});

	describe("person profiles", () => {
		const cases: Array<[string | undefined, boolean, boolean]> = [
			// personProfiles, player events process a profile, server-scoped events do
			[undefined, true, false],
			["identified_only", true, false],
			["always", true, true],
			["never", false, false],
		];
		for (const [mode, player, serverScoped] of cases) {
			const name = mode ?? "the default (identified_only)";
			it(`sets $process_person_profile to ${player} on player events under ${name}`, () => {
				spec.init(mode === undefined ? {} : { personProfiles: mode });
				spec.PostHog.Capture(1001, "clicked");
				send();
				expect(props(deliveredEvent("clicked")).$process_person_profile).toBe(player);
			});

			it(`sets $process_person_profile to ${serverScoped} on server-scoped events under ${name}`, () => {
				spec.init(mode === undefined ? {} : { personProfiles: mode });
				spec.PostHog.Capture(undefined, "shop_restocked");
				send();
				expect(props(deliveredEvent("shop_restocked")).$process_person_profile).toBe(serverScoped);
			});
		}
	});

	describe("Screen", () => {
		it("sends $screen with $screen_name and the caller's properties", () => {
			spec.init();
			spec.PostHog.Screen(1001, "Level Select", { unlocked_levels: 5 });
			send();
			const event = deliveredEvent("$screen");
			expect(event.distinct_id).toBe("1001");
			expect(props(event).$screen_name).toBe("Level Select");
			expect(props(event).unlocked_levels).toBe(5);
		});

		it("keeps $screen_name when the caller's properties hold one too", () => {
			spec.init();
			spec.PostHog.Screen(1001, "Shop", { $screen_name: "spoofed" });
			send();
			expect(props(deliveredEvent("$screen")).$screen_name).toBe("Shop");
		});
	});

	describe("Identify", () => {
		it("sends $identify with the properties as $set", () => {
			spec.init();
			spec.PostHog.Identify(1001, { display_name: "Builder", level: 12 });
			send();
			const event = deliveredEvent("$identify");
			expect(event.distinct_id).toBe("1001");
			expect(props(event).$set).toEqual({ display_name: "Builder", level: 12 });
			expect(props(event).$set_once).toBe(undefined);
		});

		it("sends the third argument as $set_once", () => {
			spec.init();
			spec.PostHog.Identify(1001, { favorite_mode: "survival" }, { first_seen: 1767225600 });
			send();
			const event = deliveredEvent("$identify");
			expect(props(event).$set).toEqual({ favorite_mode: "survival" });
			expect(props(event).$set_once).toEqual({ first_seen: 1767225600 });
		});

		it("creates a person profile under the default personProfiles", () => {
			spec.init();
			spec.PostHog.Identify(1001, { level: 1 });
			send();
			expect(props(deliveredEvent("$identify")).$process_person_profile).toBe(true);
		});

		it("ignores a nil subject, which has no person profile, with a warning", () => {
			spec.init();
			spec.PostHog.Identify(undefined, { level: 1 });
			send();
			expect(spec.batchRequests().size()).toBe(0);
			expect(linesWith(spec.warnings(), "PostHog:Identify").size()).toBe(1);
		});
	});

	describe("Alias", () => {
		it("sends $create_alias with the subject as distinct_id and the alias", () => {
			spec.init();
			spec.PostHog.Alias(1001, "web-account-77");
			send();
			const event = deliveredEvent("$create_alias");
			expect(event.distinct_id).toBe("1001");
			expect(props(event).distinct_id).toBe("1001");
			expect(props(event).alias).toBe("web-account-77");
		});

		it("ignores an empty alias, with a warning", () => {
			spec.init();
			spec.PostHog.Alias(1001, "");
			send();
			expect(spec.batchRequests().size()).toBe(0);
			expect(linesWith(spec.warnings(), "PostHog:Alias").size()).toBe(1);
		});
	});

	describe("Group", () => {
		it("sends $groupidentify with the group type, key and properties", () => {
			spec.init();
			spec.PostHog.Group(1001, "guild", "knights", { name: "The Knights", member_count: 42 });
			send();
			const event = deliveredEvent("$groupidentify");
			expect(event.distinct_id).toBe("1001");
			expect(props(event).$group_type).toBe("guild");
			expect(props(event).$group_key).toBe("knights");
			expect(props(event).$group_set).toEqual({ name: "The Knights", member_count: 42 });
		});

		it("omits $group_set when no properties are given", () => {
			spec.init();
			spec.PostHog.Group(1001, "guild", "knights");
			send();
			expect(props(deliveredEvent("$groupidentify")).$group_set).toBe(undefined);
		});

		it("adds $groups to the subject's later events", () => {
			spec.init();
			spec.PostHog.Group(1001, "guild", "knights");
			spec.PostHog.Group(1001, "party", "p-9");
			spec.PostHog.Capture(1001, "quest_started");
			send();
			expect(props(deliveredEvent("quest_started")).$groups).toEqual({ guild: "knights", party: "p-9" });
		});

		it("replaces the key of a group type the subject joins again", () => {
			spec.init();
			spec.PostHog.Group(1001, "guild", "knights");
			spec.PostHog.Group(1001, "guild", "rogues");
			spec.PostHog.Capture(1001, "quest_started");
			send();
			expect(props(deliveredEvent("quest_started")).$groups).toEqual({ guild: "rogues" });
		});

		it("leaves other subjects' events without $groups", () => {
			spec.init();
			spec.PostHog.Group(1001, "guild", "knights");
			spec.PostHog.Capture(1002, "quest_started");
			send();
			expect(props(deliveredEvent("quest_started")).$groups).toBe(undefined);
		});

		it("adds $groups to a Player's later events", () => {
			const client = spec.world.joinPlayer({ userId: 5005 });
			spec.world.runFor(0.2);
			spec.init();
			spec.PostHog.Group(client.player, "guild", "knights");
			spec.PostHog.Capture(client.player, "quest_started");
			send();
			expect(props(deliveredEvent("quest_started")).$groups).toEqual({ guild: "knights" });
		});
	});

	describe("Register and Unregister", () => {
		it("adds a registered property to player and server-scoped events", () => {
			spec.init();
			spec.PostHog.Register("region", "us-east");
			spec.PostHog.Capture(1001, "clicked");
			spec.PostHog.Capture(undefined, "shop_restocked");
			send();
			expect(props(deliveredEvent("clicked")).region).toBe("us-east");
			expect(props(deliveredEvent("shop_restocked")).region).toBe("us-east");
		});

		it("keeps a property registered before Init", () => {
			spec.PostHog.Register("place_version_label", "v12");
			spec.init();
			spec.PostHog.Capture(1001, "clicked");
			send();
			expect(props(deliveredEvent("clicked")).place_version_label).toBe("v12");
		});

		it("lets the caller's properties win over a registered one", () => {
			spec.init();
			spec.PostHog.Register("region", "us-east");
			spec.PostHog.Capture(1001, "clicked", { region: "eu-west" });
			send();
			expect(props(deliveredEvent("clicked")).region).toBe("eu-west");
		});

		it("never lets a registered property replace the SDK's own", () => {
			spec.init();
			spec.PostHog.Register("$lib", "spoofed");
			spec.PostHog.Capture(1001, "clicked");
			send();
			expect(props(deliveredEvent("clicked")).$lib).toBe("posthog-rbx");
		});

		it("stops adding a property after Unregister", () => {
			spec.init();
			spec.PostHog.Register("region", "us-east");
			spec.PostHog.Unregister("region");
			spec.PostHog.Capture(1001, "clicked");
			send();
			expect(props(deliveredEvent("clicked")).region).toBe(undefined);
		});
	});

	describe("OptOut and OptIn", () => {
		it("sends nothing for a subject that opted out", () => {
			spec.init();
			spec.PostHog.OptOut(1001);
			spec.PostHog.Capture(1001, "clicked");
			spec.PostHog.Identify(1001, { level: 2 });
			send();
			expect(spec.batchRequests().size()).toBe(0);
		});

		it("keeps sending other subjects' events while one is opted out", () => {
			spec.init();
			spec.PostHog.OptOut(1001);
			spec.PostHog.Capture(1001, "clicked");
			spec.PostHog.Capture(1002, "clicked");
			send();
			expect(spec.delivered().map((event) => event.distinct_id)).toEqual(["1002"]);
		});

		it("resumes sending after OptIn", () => {
			spec.init();
			spec.PostHog.OptOut(1001);
			spec.PostHog.Capture(1001, "while_out");
			spec.PostHog.OptIn(1001);
			spec.PostHog.Capture(1001, "after_opt_in");
			send();
			expect(spec.deliveredNames()).toEqual(["after_opt_in"]);
		});

		it("treats a Player and their UserId as the same subject", () => {
			const client = spec.world.joinPlayer({ userId: 4242 });
			spec.world.runFor(0.2);
			spec.init();
			spec.PostHog.OptOut(client.player);
			spec.PostHog.Capture(4242, "clicked");
			send();
			expect(spec.batchRequests().size()).toBe(0);
		});

		it("can opt the server itself out", () => {
			spec.init();
			spec.PostHog.OptOut(undefined);
			spec.PostHog.Capture(undefined, "shop_restocked");
			send();
			expect(spec.batchRequests().size()).toBe(0);
		});
	});

	describe("beforeSend", () => {
		it("sends the event beforeSend returns, edited", () => {
			spec.init({
				beforeSend: (event: { event: string; properties: Props }) => {
					event.properties.edited = true;
					event.event = "renamed";
					return event;
				},
			});
			spec.PostHog.Capture(1001, "clicked");
			send();
			expect(props(deliveredEvent("renamed")).edited).toBe(true);
		});

		it("drops the event when beforeSend returns nil", () => {
			spec.init({ beforeSend: () => undefined });
			spec.PostHog.Capture(1001, "clicked");
			send();
			expect(spec.batchRequests().size()).toBe(0);
		});

		it("drops the event and warns with the error when beforeSend raises one", () => {
			spec.init({
				beforeSend: (event: { event: string }) => {
					if (event.event === "bad") error("scrubber exploded");
					return event;
				},
			});
			spec.PostHog.Capture(1001, "bad");
			spec.PostHog.Capture(1001, "good");
			send();
			expect(spec.deliveredNames()).toEqual(["good"]);
			const lines = linesWith(spec.warnings(), "scrubber exploded");
			expect(lines.size()).toBe(1);
			expect(lines[0]).toContain('"bad"');
		});
	});

	it("reports IsInitialized only after a successful Init", () => {
		expect(spec.PostHog.IsInitialized()).toBe(false);
		spec.init();
		expect(spec.PostHog.IsInitialized()).toBe(true);
	});
});

describe("the server API before Init", () => {
	// A fresh server per test: the warning is written once per server.
	const spec = useServerSpec();

	it("warns once and does nothing when called before Init", () => {
		spec.PostHog.Capture(undefined, "early");
		spec.PostHog.Capture(undefined, "early again");
		spec.PostHog.Screen(1001, "Shop");
		spec.PostHog.Flush();
		spec.world.runFor(1);
		expect(linesWith(spec.warnings(), "before PostHog:Init").size()).toBe(1);
		expect(spec.fake.requests().size()).toBe(0);
	});

	it("keeps nothing captured before Init", () => {
		spec.PostHog.Capture(undefined, "early");
		spec.init();
		spec.PostHog.Capture(undefined, "after");
		spec.PostHog.Flush();
		spec.world.runFor(1);
		expect(spec.deliveredNames()).toEqual(["after"]);
	});
});
