// The .rbxm/.rbxmx model as a Luau game uses it: dist/PostHog.rbxmx in ReplicatedStorage, a plain
// server Script and LocalScript following the docs (test/consumers/model/), events at a fake PostHog.
// Also next to a roblox-ts game's own runtime (ReplicatedStorage.rbxts_include).

import { afterEach, describe, expect, it } from "@rbxts/jest-globals";
import { Peer, World } from "../support/emulator";
import { cleanup, ConsumerRun, expectClientEvents, expectServerEvents, runConsumer } from "./consumerChecks";

const ReplicatedStorage = game.GetService("ReplicatedStorage");

let gameRuntime: Folder | undefined;

/** A roblox-ts game's runtime: RuntimeLib, Promise and its own @rbxts/services and @rbxts/t. */
function rbxtsInclude(): Folder {
	if (gameRuntime !== undefined) return gameRuntime;
	const source = ReplicatedStorage.WaitForChild("rbxts_include");
	const include = new Instance("Folder");
	include.Name = "rbxts_include";
	for (const name of ["RuntimeLib", "Promise"]) source.FindFirstChild(name)!.Clone().Parent = include;
	const scope = new Instance("Folder");
	scope.Name = "@rbxts";
	for (const name of ["services", "t"])
		source.FindFirstChild("node_modules")!.FindFirstChild("@rbxts")!.FindFirstChild(name)!.Clone().Parent = scope;
	const nodeModules = new Instance("Folder");
	nodeModules.Name = "node_modules";
	scope.Parent = nodeModules;
	nodeModules.Parent = include;
	gameRuntime = include;
	return include;
}

describe("Luau consumer: the model file (dist/PostHog.rbxmx) in ReplicatedStorage", () => {
	let run: ConsumerRun | undefined;
	afterEach(() => {
		cleanup(run);
		run = undefined;
	});

	it("server Script: Init, Register, Capture, Identify, Group, Screen, Flush reach PostHog", () => {
		run = runConsumer("ModelPlace");
		expectServerEvents(run);
	});

	it("LocalScript: Capture, Screen, CaptureException are relayed and attributed to the player", () => {
		run = runConsumer("ModelPlace", { clientScripts: true });
		expectClientEvents(run);
	});

	for (const gameFirst of [true, false]) {
		const order = gameFirst ? "before" : "after";
		it(`coexists with a roblox-ts game's own runtime that imports the model ${order} the Luau script`, () => {
			const startGame = (server: Peer, world: World) => {
				world.copyInto(server, rbxtsInclude(), server.game.GetService("ReplicatedStorage"));
				server.runScript(server.game.GetService("ServerStorage").FindFirstChild("RobloxTsGame") as Script);
			};
			run = runConsumer("ModelPlace", {
				alsoExpect: ["rbxts_game_event"],
				beforeScripts: gameFirst ? startGame : undefined,
				afterScripts: gameFirst ? undefined : startGame,
			});
			expectServerEvents(run);
			const gameEvent = run.events.find((e) => e.event === "rbxts_game_event");
			expect(gameEvent?.properties).toMatchObject({ runtime: "rbxts_include" });
		});
	}
});
