// The names and properties of the lifecycle events (captureLifecycleEvents): server_started,
// server_shutdown, player_joined, player_left, player_idle. The engine reads Players, DataModel and
// the join data; these builders turn the plain values into the documented properties. Counts and
// durations are whole, non-negative numbers even when the inputs are not. Pure.

export const LIFECYCLE_EVENTS = {
	serverStarted: "server_started",
	serverShutdown: "server_shutdown",
	playerJoined: "player_joined",
	playerLeft: "player_left",
	playerIdle: "player_idle",
} as const;

export interface ServerStartedInput {
	/** #Players:GetPlayers() when the SDK starts. */
	playerCount: number;
	/** Players.MaxPlayers. */
	maxPlayers: number;
	/** game.PrivateServerId ("" on a public server). */
	privateServerId: string;
	/** game.PrivateServerOwnerId (0 on public and reserved servers). */
	privateServerOwnerId: number;
}

export interface ServerStartedProperties {
	player_count: number;
	max_players: number;
	is_private_server: boolean;
	/** A reserved server (TeleportService:ReserveServer) has a PrivateServerId but no owner. */
	is_reserved_server: boolean;
}

export function buildServerStartedProperties(input: ServerStartedInput): ServerStartedProperties {
	const hasPrivateServerId = input.privateServerId !== "";
	return {
		player_count: wholeCount(input.playerCount),
		max_players: wholeCount(input.maxPlayers),
		is_private_server: hasPrivateServerId,
		is_reserved_server: hasPrivateServerId && input.privateServerOwnerId === 0,
	};
}

export interface ServerShutdownInput {
	/** #Players:GetPlayers() in BindToClose. */
	playerCount: number;
	/** The server session's start, unix ms. */
	serverStartedAtMillis: number;
	nowMillis: number;
}

export interface ServerShutdownProperties {
	player_count: number;
	uptime_seconds: number;
}

export function buildServerShutdownProperties(input: ServerShutdownInput): ServerShutdownProperties {
	return {
		player_count: wholeCount(input.playerCount),
		uptime_seconds: wholeSecondsBetween(input.serverStartedAtMillis, input.nowMillis),
	};
}

export interface PlayerJoinedInput {
	/** The player's session was continued from TeleportData. */
	isTeleport: boolean;
	/** #Players:GetPlayers() after the player joined (it includes them). */
	playerCount: number;
	/** Player.AccountAge. */
	accountAgeDays: number;
	/** Player.HasRobloxSubscription (MembershipType is deprecated); omitted when unknown. */
	hasRobloxSubscription?: boolean;
	/** ISO 3166 alpha-2 code from GetCountryRegionForPlayerAsync; omitted when the lookup failed. */
	countryCode?: string;
}

export interface PlayerJoinedProperties {
	is_teleport: boolean;
	player_count: number;
	account_age_days: number;
	/** "Premium" or "None", the names the MembershipType enum used. */
	membership_type?: MembershipTypeName;
	country_code?: string;
}

export type MembershipTypeName = "Premium" | "None";

export function buildPlayerJoinedProperties(input: PlayerJoinedInput): PlayerJoinedProperties {
	return {
		is_teleport: input.isTeleport,
		player_count: wholeCount(input.playerCount),
		account_age_days: wholeCount(input.accountAgeDays),
		membership_type:
			input.hasRobloxSubscription === undefined ? undefined : membershipTypeName(input.hasRobloxSubscription),
		country_code: nonEmpty(input.countryCode),
	};
}

/** The MembershipType name for a subscription flag: Premium is the only membership left. */
export function membershipTypeName(hasRobloxSubscription: boolean): MembershipTypeName {
	return hasRobloxSubscription ? "Premium" : "None";
}

export interface PlayerLeftInput {
	/** The player's session start, unix ms (before a teleport, if it was continued). */
	sessionStartedAtMillis: number;
	nowMillis: number;
	/** #Players:GetPlayers() inside PlayerRemoving, which still counts the leaving player. */
	playerCountBeforeRemoval: number;
	/** The platform the client relay reported; omitted when it never did. */
	platform?: string;
	countryCode?: string;
}

export interface PlayerLeftProperties {
	/** From the session's start, so a continued session counts its time on earlier servers. */
	session_duration_seconds: number;
	/** Players left in the server, without the one leaving. */
	player_count: number;
	platform?: string;
	country_code?: string;
}

export function buildPlayerLeftProperties(input: PlayerLeftInput): PlayerLeftProperties {
	return {
		session_duration_seconds: wholeSecondsBetween(input.sessionStartedAtMillis, input.nowMillis),
		player_count: wholeCount(input.playerCountBeforeRemoval - 1),
		platform: nonEmpty(input.platform),
		country_code: nonEmpty(input.countryCode),
	};
}

export interface PlayerIdleProperties {
	idle_seconds: number;
}

/** `idleSeconds` as Player.Idled reports it (relayed by the client, so any number). */
export function buildPlayerIdleProperties(idleSeconds: number): PlayerIdleProperties {
	return { idle_seconds: wholeCount(idleSeconds) };
}

/** floor(value) clamped at 0; NaN and infinities become 0. */
function wholeCount(value: number): number {
	if (value !== value || math.abs(value) === math.huge) return 0;
	return math.max(0, math.floor(value));
}

function wholeSecondsBetween(fromMillis: number, toMillis: number): number {
	return wholeCount((toMillis - fromMillis) / 1000);
}

function nonEmpty(value: string | undefined): string | undefined {
	return value === undefined || value === "" ? undefined : value;
}
