// Typed access to the emulated engine (test/emulator/*.luau) from specs. The Luau side is mounted in the
// harness DataModel as ReplicatedStorage.Emulator; everything here is a thin type over it.

/** One Roblox process inside a world: the game server or a client. */
export interface Peer {
	readonly kind: "server" | "client";
	readonly name: string;
	/** This peer's DataModel (`game` for scripts running in it). */
	readonly game: DataModel;
	/** Unhandled errors of this peer's threads, as ScriptContext.Error saw them. */
	readonly errors: Array<{ message: string; trace: string; script?: LuaSourceContainer }>;
	/** print/warn/error output of this peer, oldest first. */
	readonly output: Array<{ kind: "print" | "warn" | "error"; text: string; time: number }>;
	/** Runs fn in a new thread owned by this peer (errors go to its ScriptContext.Error). */
	spawn<A extends unknown[]>(fn: (...args: A) => void, ...args: A): thread;
	/** require() with this peer's module cache and globals. */
	require(module: ModuleScript): unknown;
	/** Runs a Script/LocalScript's source in this peer. */
	runScript(script: LuaSourceContainer): thread;
	/** Creates a Script (LocalScript on clients) from source and runs it; default parent ServerScriptService. */
	runSource(source: string, name?: string, parent?: Instance): LuaSourceContainer;
	/** This peer's _G, shared by its scripts: specs read results scripts leave there. */
	readonly G: Record<string, unknown>;
	/** True once the peer stopped (killed, shut down, or a client that left): its threads never resume. */
	readonly dead?: boolean;
}

/** Input hints of a client (UserInputService, GuiService, VRService). Omitted flags are false. */
export interface ClientInput {
	touch?: boolean;
	keyboard?: boolean;
	mouse?: boolean;
	gamepad?: boolean;
	/** GuiService:IsTenFootInterface() */
	tenFoot?: boolean;
	/** UserInputService.VREnabled and VRService.VREnabled */
	vr?: boolean;
	/** UserInputService.PreferredInput; derived from the flags when omitted (touch or gamepad without a keyboard). */
	preferredInput?: "KeyboardAndMouse" | "Gamepad" | "Touch" | "MicroGamepad";
	/** GuiService.ViewportDisplaySize; derived when omitted (tenFoot: Large, touch-first: Small, else Medium). */
	displaySize?: "Small" | "Medium" | "Large";
}

export interface JoinOptions {
	/** Default 1000 + join index. */
	userId?: number;
	/** Player.Name; default "Player<join index>". */
	name?: string;
	/** Default: name. */
	displayName?: string;
	/** Days; default 365. */
	accountAge?: number;
	/** An Enum.MembershipType name; default "None". */
	membershipType?: "None" | "BuildersClub" | "TurboBuildersClub" | "OutrageousBuildersClub" | "Premium";
	/** Player.HasRobloxSubscription; default: membershipType is "Premium". */
	hasRobloxSubscription?: boolean;
	hasVerifiedBadge?: boolean;
	followUserId?: number;
	/** In GetJoinData().TeleportData on the server and GetLocalPlayerTeleportData() on the client. */
	teleportData?: unknown;
	/** GetJoinData().SourcePlaceId (and SourceGameId, default this game's), as after a server teleport. */
	sourcePlaceId?: number;
	sourceGameId?: number;
	/** GetJoinData().LaunchData */
	launchData?: string;
	/** LocalizationService:GetCountryRegionForPlayerAsync; default "US". */
	country?: string;
	/** World seconds GetCountryRegionForPlayerAsync yields for this player; default 0.1. */
	countryLookupSeconds?: number;
	/** GetCountryRegionForPlayerAsync raises this message (after yielding) instead of answering. */
	countryLookupError?: string;
	/** Player.LocaleId and the client's LocalizationService locale ids; default "en-us". */
	locale?: string;
	/** Default: a desktop with keyboard and mouse. */
	input?: ClientInput;
	/** One-way network latency in world seconds (replication and remotes); default 0.05. */
	latency?: number;
	/** Default: the world's first server. */
	server?: Peer;
}

/** Remote traffic of one direction of a client's link, as sent (before any drop). */
export interface RemoteTraffic {
	fires: number;
	/** Approximate wire bytes (see Remotes.luau). */
	bytes: number;
	/** UnreliableRemoteEvent payloads over 1000 bytes. */
	dropped: number;
	/** Most fires in any 1 s window of world time. */
	maxFiresPerSecond: number;
	maxBytesPerSecond: number;
}

/** A player's client process. */
export interface ClientPeer extends Peer {
	readonly kind: "client";
	/** The server this client is connected to. */
	readonly server: Peer;
	/** The Player instance on the server. */
	readonly player: Player;
	/** Players.LocalPlayer in this client (its replica of `player`). */
	readonly localPlayer: Player;
	readonly remoteStats: { readonly toServer: RemoteTraffic; readonly toClient: RemoteTraffic };
	/** After a teleport: the client peer that arrived at the destination. */
	readonly teleportedTo?: ClientPeer;
	/** The message of Player:Kick, once kicked. */
	readonly kickMessage?: string;
	/** Fires LocalPlayer.Idled(seconds) in this client (Roblox fires Idled only on the client). */
	idle(seconds: number): void;
	/** Changes input hints at run time; changed properties fire their change signals. */
	setInput(input: ClientInput): void;
}

export interface ServerOptions {
	placeId?: number;
	placeVersion?: number;
	gameId?: number;
	jobId?: string;
	privateServerId?: string;
	privateServerOwnerId?: number;
	httpEnabled?: boolean;
	studio?: boolean;
	name?: string;
}

export interface World {
	/** Seconds of world time since the world was created. */
	now(): number;
	/** Unix milliseconds that DateTime.now() returns in this world. */
	nowMillis(): number;
	/** Advances the world clock, resuming every thread due on the way, in order. */
	runFor(seconds: number): void;
	/** Runs the clock until predicate() holds or maxSeconds of world time pass; returns whether it held. */
	runUntil(predicate: () => boolean, maxSeconds?: number, stepSeconds?: number): boolean;
	startServer(options?: ServerOptions): Peer;
	/** Called with every server started after it is set (teleport destinations included). */
	onServerStarted?: (server: Peer) => void;
	/** Connects a player: a new client peer, a Player on the server (PlayerAdded), replicas on the client. */
	joinPlayer(options?: JoinOptions): ClientPeer;
	/** The player closes the game: the client stops; the server sees PlayerRemoving after what it had sent. */
	removePlayer(client: ClientPeer): void;
	/** The connected client of a user. */
	findClient(userId: number): ClientPeer | undefined;
	/** Connected clients, in join order. */
	readonly clients: ClientPeer[];
	/** Removes connected players (PlayerRemoving), runs BindToClose callbacks in parallel (30 s budget), then kills the peer. */
	shutdownServer(server?: Peer, reason?: Enum.CloseReason): { completed: boolean; seconds: number };
	/** Ends a peer at once, as a crash would: its threads never resume. */
	kill(peer: Peer): void;
	/** Copies a harness instance (e.g. the compiled SDK) into a peer's DataModel. */
	copyInto<T extends Instance>(peer: Peer, instance: T, parent: Instance): T;
	destroy(): void;
	readonly untaggedErrors: string[];
	/**
	 * Makes MemoryStoreService / DataStoreService calls of every server fail (after their latency) with
	 * `message` (default: a Roblox-style internal error); `rate` 0.5 fails every other call. Undefined clears.
	 */
	storageFaults(faults?: { memoryStore?: StorageFault; dataStore?: StorageFault }): void;
	/** `extraUsers`: concurrent users on servers the spec does not run (memory quota, request units). */
	configureStorage(options: { extraUsers?: number }): void;
	/** Usage of a universe's storage (default GameId 4242). */
	storageStats(gameId?: number): StorageStats;
}

export interface StorageFault {
	/** Fraction of calls that fail, 0..1 (deterministic: 0.25 fails every 4th call). Default 1. */
	rate?: number;
	message?: string;
}

export interface StorageStats {
	memoryStore: {
		requests: number;
		failures: number;
		bytesUsed: number;
		quotaBytes: number;
		unitsLastMinute: number;
		queues: Record<string, { size: number; visible: number }>;
	};
	dataStore: { requests: number; failures: number };
}

export interface WorldOptions {
	/** Follow the wall clock instead of a virtual one (compliance adapter, demo). */
	realtime?: boolean;
	/** Unix milliseconds at world time 0. */
	epochMillis?: number;
}

interface EmulatorModule {
	createWorld(options?: WorldOptions): World;
	fakePostHog(command: string, argsJson: string): string;
	harnessTime(): number;
}

export const Emulator = require(
	game.GetService("ReplicatedStorage").WaitForChild("Emulator") as ModuleScript,
) as EmulatorModule;

/** Creates a world and destroys it when the spec's afterEach runs `cleanup()`. */
export function createWorld(options?: WorldOptions): World {
	return Emulator.createWorld(options);
}
