import { describe, expect, it } from "@rbxts/jest-globals";
import { linesWith } from "../support/serverSpec";
import { joinWithSdk, named, sdkProblems, useRelayWorld } from "../support/relayWorld";
import { sdkOutput } from "../support/sdk";

describe("client relay arguments", () => {
	const spec = useRelayWorld();

	it("warns once per kind of wrong argument and drops only that call", () => {
		spec.init();
		const { client, PostHog } = joinWithSdk(spec.world);
		const api = PostHog as unknown as Record<string, (self: unknown, ...args: unknown[]) => void>;
		api.Capture(PostHog, 5);
		api.Capture(PostHog, 6);
		api.Capture(PostHog, "");
		api.Capture(PostHog, "bad_properties", "not a table");
		api.Screen(PostHog, undefined);
		api.CaptureException(PostHog, undefined);
		api.CaptureException(PostHog, "boom", 12);
		PostHog.Capture("kept", { fine: 1 });
		const warnings = sdkOutput(client, "warn");
		expect(linesWith(warnings, "PostHog:Capture: the event name must be a non-empty string").size()).toBe(1);
		expect(linesWith(warnings, "properties must be a table or nil, got string").size()).toBe(1);
		expect(linesWith(warnings, "PostHog:Screen: the screen name").size()).toBe(1);
		expect(linesWith(warnings, "PostHog:CaptureException: the error must be").size()).toBe(1);
		expect(linesWith(warnings, "the trace must be a string or nil, got number").size()).toBe(1);
		expect(warnings.size()).toBe(5);
		expect(spec.deliver().map((event) => event.event)).toEqual(["kept"]);
		expect(client.errors).toEqual([]);
	});

	it("explains, once, that a client call takes no subject", () => {
		spec.init();
		const { client, PostHog } = joinWithSdk(spec.world);
		const api = PostHog as unknown as Record<string, (self: unknown, ...args: unknown[]) => void>;
		api.Capture(PostHog, client.localPlayer, "level_completed");
		api.Capture(PostHog, client.localPlayer, "level_completed");
		api.CaptureException(PostHog, client.localPlayer, "boom");
		const warnings = sdkOutput(client, "warn");
		expect(linesWith(warnings, "PostHog:Capture: on a client there is no subject argument").size()).toBe(1);
		expect(linesWith(warnings, "PostHog:CaptureException: on a client there is no subject").size()).toBe(1);
		expect(spec.deliver()).toEqual([]);
	});

	it("leaves out properties the server would refuse and sends the rest", () => {
		spec.init();
		const { client, PostHog } = joinWithSdk(spec.world, { userId: 3 });
		PostHog.Capture("shop_opened", {
			tab: "skins",
			nested: { a: 1 },
			$set: { name: "x" },
			distinct_id: "someone_else",
			ratio: 0 / 0,
			where: client.localPlayer,
			long: string.rep("x", 5000),
		});
		const event = named(spec.deliver(), "shop_opened")[0];
		const properties = event.properties!;
		expect(event.distinct_id).toBe("3");
		expect(properties.tab).toBe("skins");
		expect(properties.nested).toBeUndefined();
		expect(properties.$set).toBeUndefined();
		expect(properties.distinct_id).toBeUndefined();
		expect(properties.ratio).toBeUndefined();
		expect(properties.where).toBe("Players.Player1");
		expect((properties.long as string).size()).toBe(1000);
		const warnings = sdkOutput(client, "warn");
		expect(linesWith(warnings, 'property "nested" was left out').size()).toBe(1);
		expect(linesWith(warnings, "set by the server only").size()).toBe(1);
		expect(linesWith(warnings, 'property "ratio" was left out').size()).toBe(1);
	});

	it("refuses reserved and over-long names with one warning, without sending them", () => {
		spec.init();
		const { client, PostHog } = joinWithSdk(spec.world);
		PostHog.Capture("$pageview");
		PostHog.Capture("$identify");
		PostHog.Screen(string.rep("s", 300));
		PostHog.Capture("ok");
		expect(linesWith(sdkOutput(client, "warn"), "name_reserved").size()).toBe(1);
		expect(linesWith(sdkOutput(client, "warn"), "name_too_long").size()).toBe(1);
		expect(spec.deliver().map((event) => event.event)).toEqual(["ok"]);
		expect(linesWith(sdkProblems(spec.server), "dropped")).toEqual([]);
	});

	it("cuts over-long exception messages and traces to the relay's caps instead of dropping them", () => {
		spec.init();
		const { PostHog } = joinWithSdk(spec.world);
		PostHog.CaptureException(string.rep("é", 900), string.rep("Script:1\n", 2000));
		const events = named(spec.deliver(), "$exception");
		expect(events.size()).toBe(1);
		const entry = (events[0].properties!.$exception_list as Array<{ value: string }>)[0];
		expect(entry.value.size() <= 1000).toBe(true);
		expect(utf8.len(entry.value)[0]).toBe(500);
	});

	it("needs no key: Init() and Init({ captureErrors, logLevel }) take effect quietly", () => {
		spec.init();
		const { client, PostHog } = joinWithSdk(spec.world);
		PostHog.Init();
		PostHog.Init({ captureErrors: true, logLevel: "warn" });
		expect(sdkOutput(client)).toEqual([]);
		expect(PostHog.IsInitialized()).toBe(true);
	});

	it("ignores server options on a client with one warning, and validates its own", () => {
		spec.init();
		const { client, PostHog } = joinWithSdk(spec.world);
		const api = PostHog as unknown as Record<string, (self: unknown, ...args: unknown[]) => void>;
		api.Init(PostHog, { apiKey: "phc_should_not_be_here", host: "https://eu.i.posthog.com" });
		api.Init(PostHog, { apiKey: "phc_should_not_be_here" });
		api.Init(PostHog, { captureErrors: "yes", logLevel: "loud" });
		api.Init(PostHog, 5);
		const warnings = sdkOutput(client, "warn");
		expect(linesWith(warnings, "ignored: apiKey, host").size()).toBe(1);
		expect(linesWith(warnings, "captureErrors must be a boolean").size()).toBe(1);
		expect(linesWith(warnings, "logLevel must be").size()).toBe(1);
		expect(linesWith(warnings, "options must be a table or nil").size()).toBe(1);
		expect(warnings.size()).toBe(4);
		expect(client.errors).toEqual([]);
	});

	it("stops relaying errors with captureErrors = false and resumes with true", () => {
		spec.init({ captureErrors: true });
		const { client, PostHog } = joinWithSdk(spec.world);
		PostHog.Init({ captureErrors: false });
		client.runSource(`error("while off")`);
		spec.world.runFor(1);
		PostHog.Init({ captureErrors: true });
		client.runSource(`error("while on")`);
		const events = named(spec.deliver(), "$exception");
		expect(events.size()).toBe(1);
		expect((events[0].properties!.$exception_list as Array<{ value: string }>)[0].value).toMatch("while on");
	});

	it("relays an error raised every frame once per dedupe window", () => {
		spec.init({ captureErrors: true });
		const { client } = joinWithSdk(spec.world);
		client.runSource(`
local RunService = game:GetService("RunService")
for i = 1, 60 do
	task.spawn(function() error("every frame") end)
	task.wait(0.05)
end`);
		spec.world.runFor(4);
		expect(client.errors.size()).toBe(60);
		expect(named(spec.deliver(), "$exception").size()).toBe(1);
	});

	it("never relays errors raised by the SDK's own code", () => {
		spec.init({ captureErrors: true });
		const { client } = joinWithSdk(spec.world);
		client.runSource(`
local inside = Instance.new("ModuleScript")
inside.Name = "Inside"
inside.Source = [[task.spawn(function() error("sdk internal failure") end) return true]]
inside.Parent = game:GetService("ReplicatedStorage"):WaitForChild("PostHog")
require(inside)`);
		spec.world.runFor(1);
		expect(client.errors.size()).toBe(1);
		expect(named(spec.deliver(), "$exception")).toEqual([]);
	});

	it("does nothing on the server but warn once per method", () => {
		spec.init();
		const client = spec.PostHog.PostHogClient;
		client.Capture("from_server");
		client.Capture("from_server_again");
		client.Screen("Menu");
		expect(client.IsInitialized()).toBe(false);
		expect(linesWith(sdkOutput(spec.server, "warn"), "PostHogClient:Capture").size()).toBe(1);
		expect(linesWith(sdkOutput(spec.server, "warn"), "PostHogClient:Screen").size()).toBe(1);
		expect(spec.deliver()).toEqual([]);
	});
});
