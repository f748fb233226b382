import { describe, expect, it } from "@rbxts/jest-globals";
import { sdkOutput } from "../support/sdk";
import { joinWithSdk, named, sdkProblems, useRelayWorld } from "../support/relayWorld";

interface ExceptionEntry {
	type: string;
	value: string;
	mechanism: { type: string; handled: boolean };
	stacktrace?: { frames: Array<{ filename?: string }> };
}

function exceptionOf(properties: Record<string, unknown> | undefined): ExceptionEntry {
	return (properties!.$exception_list as ExceptionEntry[])[0];
}

describe("the client relay, end to end", () => {
	const spec = useRelayWorld();

	it("relays Capture as an event of the firing player, with their session and device", () => {
		spec.init();
		const { client, PostHog } = joinWithSdk(spec.world, { userId: 42, input: { touch: true } });
		PostHog.Capture("button_clicked", { button: "play", count: 2, first: true });
		const events = named(spec.deliver(), "button_clicked");
		expect(events.size()).toBe(1);
		const event = events[0];
		expect(event.distinct_id).toBe("42");
		expect(event.properties!.button).toBe("play");
		expect(event.properties!.count).toBe(2);
		expect(event.properties!.first).toBe(true);
		expect(event.properties!.$lib).toBe("posthog-rbx");
		expect(event.properties!.$device_type).toBe("Mobile");
		expect(typeIs(event.properties!.$session_id, "string")).toBe(true);
		expect(sdkProblems(client)).toEqual([]);
		expect(sdkProblems(spec.server)).toEqual([]);
	});

	it("relays Screen as $screen with $screen_name", () => {
		spec.init();
		const { PostHog } = joinWithSdk(spec.world, { userId: 7 });
		PostHog.Screen("Shop", { tab: "skins" });
		const events = named(spec.deliver(), "$screen");
		expect(events.size()).toBe(1);
		expect(events[0].distinct_id).toBe("7");
		expect(events[0].properties!.$screen_name).toBe("Shop");
		expect(events[0].properties!.tab).toBe("skins");
		expect(events[0].properties!.$device_type).toBe("Desktop");
	});

	it("relays CaptureException as a handled $exception", () => {
		spec.init();
		const { PostHog } = joinWithSdk(spec.world, { userId: 7 });
		PostHog.CaptureException(
			"Players.Alice.PlayerScripts.Shop:12: attempt to index nil with 'Price'",
			"Players.Alice.PlayerScripts.Shop:12 function buy\nPlayers.Alice.PlayerScripts.Shop:40",
			{ context: "buy" },
		);
		PostHog.CaptureException({ type: "ShopError", message: "sold out" });
		const events = named(spec.deliver(), "$exception");
		expect(events.size()).toBe(2);
		const first = exceptionOf(events[0].properties);
		expect(events[0].distinct_id).toBe("7");
		expect(first.mechanism.handled).toBe(true);
		expect(first.value).toBe("attempt to index nil with 'Price'");
		expect(first.stacktrace!.frames.size() > 0).toBe(true);
		expect(events[0].properties!.context).toBe("buy");
		const second = exceptionOf(events[1].properties);
		expect(second.type).toBe("ShopError");
		expect(second.value).toBe("sold out");
	});

	it("relays an unhandled client error as an unhandled $exception", () => {
		spec.init({ captureErrors: true });
		const { client } = joinWithSdk(spec.world, { userId: 9 });
		client.runSource(`error("client boom")`, "Gun");
		const events = named(spec.deliver(), "$exception");
		expect(events.size()).toBe(1);
		expect(events[0].distinct_id).toBe("9");
		const entry = exceptionOf(events[0].properties);
		expect(entry.mechanism.handled).toBe(false);
		expect(entry.value).toMatch("client boom");
		expect(events[0].properties!.$exception_source).toBe("roblox.script_context");
	});

	it("relays Player.Idled once per idle period as player_idle", () => {
		spec.init({ captureLifecycleEvents: true });
		const { client } = joinWithSdk(spec.world, { userId: 5 });
		client.idle(120);
		client.idle(240);
		spec.world.runFor(1);
		client.idle(60);
		const idle = named(spec.deliver(), "player_idle");
		expect(idle.map((event) => event.properties!.idle_seconds)).toEqual([120, 60]);
		expect(idle[0].distinct_id).toBe("5");
		expect(sdkOutput(client, "warn")).toEqual([]);
	});
});
