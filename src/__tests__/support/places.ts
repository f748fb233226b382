// Places built from the distribution artifacts (dist/, `npm run build`) by test/runner/consumers.mjs:
// each is mounted in the harness as ServerStorage.BuiltArtifacts.<Place>, one Folder per service.
// startPlace loads one into a world's server the way Roblox loads a place, and runs its Scripts.

import { ClientPeer, JoinOptions, Peer, ServerOptions, World } from "./emulator";

/** Written in consumer scripts where the PostHog host goes; startPlace puts the fake's url there. */
export const HOST_PLACEHOLDER = "{{POSTHOG_HOST}}";

/** A place the runner built; a clear error when it is missing. */
export function builtPlace(name: string): Folder {
	const place = game.GetService("ServerStorage").FindFirstChild("BuiltArtifacts")?.FindFirstChild(name);
	if (place === undefined) {
		throw `${name} was not built: see the runner's "consumer place" lines (its inputs come from \`npm run build\`)`;
	}
	return place as Folder;
}

type SourceContainer = LuaSourceContainer & { Source: string };

function isScript(instance: Instance): instance is SourceContainer {
	return instance.ClassName === "Script" || instance.ClassName === "LocalScript";
}

function fillHost(root: Instance, host: string) {
	for (const instance of [root, ...root.GetDescendants()]) {
		if (isScript(instance)) instance.Source = instance.Source.split(HOST_PLACEHOLDER).join(host);
	}
}

/** Scripts under `container` in a stable order (full name). */
function scriptsIn(container: Instance, className: "Script" | "LocalScript"): SourceContainer[] {
	const found = container.GetDescendants().filter((d) => d.ClassName === className) as SourceContainer[];
	found.sort((a, b) => a.GetFullName() < b.GetFullName());
	return found;
}

export interface RunningPlace {
	server: Peer;
	/** Connects a player; with `runLocalScripts`, copies StarterPlayerScripts into their PlayerScripts and runs them. */
	join(options?: JoinOptions, runLocalScripts?: boolean): ClientPeer;
}

export interface StartPlaceOptions extends ServerOptions {
	/** Runs after the place is loaded and before its Scripts start (e.g. to add another game's code). */
	beforeScripts?: (server: Peer) => void;
}

/** Starts a server with HTTP on, copies the place's services into it with `host` filled in, runs its Scripts. */
export function startPlace(world: World, place: Folder, host: string, options: StartPlaceOptions = {}): RunningPlace {
	const server = world.startServer({ httpEnabled: true, ...options, beforeScripts: undefined } as ServerOptions);
	for (const service of place.GetChildren()) {
		if (!service.IsA("Folder")) continue;
		const target = server.game.GetService(service.Name as keyof Services);
		for (const child of service.GetChildren()) fillHost(world.copyInto(server, child, target), host);
	}
	options.beforeScripts?.(server);
	for (const serverScript of scriptsIn(server.game.GetService("ServerScriptService"), "Script")) {
		server.runScript(serverScript);
	}
	return {
		server,
		join(joinOptions, runLocalScripts = false) {
			const client = world.joinPlayer(joinOptions);
			if (!runLocalScripts) return client;
			const playerScripts = client.localPlayer.FindFirstChild("PlayerScripts")!;
			const starter = client.game.GetService("StarterPlayer").FindFirstChild("StarterPlayerScripts");
			for (const child of starter?.GetChildren() ?? []) world.copyInto(client, child, playerScripts);
			for (const localScript of scriptsIn(playerScripts, "LocalScript")) client.runScript(localScript);
			return client;
		},
	};
}
