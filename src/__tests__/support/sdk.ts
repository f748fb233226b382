// Installs the compiled SDK into a world's server (and clients, by replication) the way a game has it:
// ReplicatedStorage.PostHog plus the roblox-ts runtime under ReplicatedStorage.rbxts_include. Specs
// then drive the SDK through the module that peer requires, so it runs on that peer's clock,
// HttpService and DataModel.

import type PostHogModule from "../../index";
import { Peer, ServerOptions, World } from "./emulator";
import { FakePostHog } from "./fakePostHog";

export type PostHogApi = typeof PostHogModule;

const ReplicatedStorage = game.GetService("ReplicatedStorage");
const ServerStorage = game.GetService("ServerStorage");

let template: Folder | undefined;

/** A harness-side copy of what a game ships: the SDK (without specs) and only its runtime dependencies. */
function sdkTemplate(): Folder {
	if (template !== undefined) return template;
	const folder = new Instance("Folder");
	folder.Name = "PostHogSdkTemplate";
	const sdk = (ReplicatedStorage.WaitForChild("PostHog") as ModuleScript).Clone();
	sdk.FindFirstChild("__tests__")?.Destroy();
	sdk.FindFirstChild("jest.config")?.Destroy();
	sdk.FindFirstChild("jestSetup")?.Destroy();
	sdk.Parent = folder;
	const sourceInclude = ReplicatedStorage.WaitForChild("rbxts_include");
	const include = new Instance("Folder");
	include.Name = "rbxts_include";
	sourceInclude.FindFirstChild("RuntimeLib")!.Clone().Parent = include;
	sourceInclude.FindFirstChild("Promise")!.Clone().Parent = include;
	const nodeModules = new Instance("Folder");
	nodeModules.Name = "node_modules";
	nodeModules.Parent = include;
	const scope = new Instance("Folder");
	scope.Name = "@rbxts";
	scope.Parent = nodeModules;
	const sourceScope = sourceInclude.FindFirstChild("node_modules")!.FindFirstChild("@rbxts")!;
	for (const name of ["services", "t"]) sourceScope.FindFirstChild(name)!.Clone().Parent = scope;
	include.Parent = folder;
	folder.Parent = ServerStorage;
	template = folder;
	return folder;
}

/** Copies the SDK into `peer`'s ReplicatedStorage and returns the ModuleScript. */
export function installSdk(world: World, peer: Peer): ModuleScript {
	const source = sdkTemplate();
	const replicatedStorage = peer.game.GetService("ReplicatedStorage");
	world.copyInto(peer, source.FindFirstChild("rbxts_include")!, replicatedStorage);
	return world.copyInto(peer, source.FindFirstChild("PostHog") as ModuleScript, replicatedStorage);
}

export interface SdkServer {
	server: Peer;
	/** The module as server code gets it from require(ReplicatedStorage.PostHog). */
	PostHog: PostHogApi;
}

/** Starts a server with HTTP enabled and the SDK installed (not initialized). */
export function startSdkServer(world: World, options?: ServerOptions): SdkServer {
	const server = world.startServer({ httpEnabled: true, ...options });
	const module = installSdk(world, server);
	const PostHog = server.require(module) as PostHogApi;
	return { server, PostHog };
}

/** Init options pointing at a fake PostHog, with small intervals suited to specs. */
export function testOptions(fake: FakePostHog, overrides?: Record<string, unknown>): Record<string, unknown> {
	return { apiKey: "phc_test_key", host: fake.url, ...overrides };
}

/** Lines a peer printed or warned that start with the SDK's prefix. */
export function sdkOutput(peer: Peer, kind?: "print" | "warn" | "error"): string[] {
	const lines = new Array<string>();
	for (const entry of peer.output) {
		if ((kind === undefined || entry.kind === kind) && entry.text.find("[PostHog]", 1, true)[0] !== undefined) {
			lines.push(entry.text);
		}
	}
	return lines;
}
