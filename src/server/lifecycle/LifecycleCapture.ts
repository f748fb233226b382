// Sessions and lifecycle autocapture on the server (roblox-sdk-docs "Autocapture", "Sessions and
// teleports"). Each player connection gets a session (continued from its TeleportData when that is
// valid) which every event of the player carries as `$session_id`; server-scoped events carry the
// server's session. With captureLifecycleEvents it also sends server_started, server_shutdown,
// player_joined (after the country lookup, which is bounded), player_left and player_idle (reported
// by the client relay through onClientIdle). Sessions and player state are kept whether or not the
// events are sent.
//
// PlayersBridge drives joins and leaves: attach() registers this module, and PostHogServer.Init
// registers forgetPlayer as the very last leave listener, so every feature can still read the
// player's state while it handles the leave.

import {
	buildPlayerIdleProperties,
	buildPlayerJoinedProperties,
	buildPlayerLeftProperties,
	buildServerShutdownProperties,
	buildServerStartedProperties,
	LIFECYCLE_EVENTS,
} from "../../core/lifecycle/lifecycleProperties";
import { MAX_IDLE_SECONDS } from "../../core/relay/limits";
import { TeleportData } from "../../core/sessions/buildTeleportData";
import { Session } from "../../core/sessions/Session";
import { PlayersBridge } from "../../engine/PlayersBridge";
import {
	isInGame,
	JoinFacts,
	lookupCountryCode,
	playerCount,
	readJoinFacts,
	readServerStartFacts,
} from "../../engine/playerFacts";
import { KnownSubject, ServerRuntime } from "../ServerRuntime";
import { SubjectState } from "../SubjectStates";

/**
 * Longest player_joined waits for the country (GetCountryRegionForPlayerAsync). Past it the event
 * goes without country_code; a late answer still reaches player_left.
 */
export const COUNTRY_LOOKUP_TIMEOUT_SECONDS = 5;

/** What the client relay reports about a player's device (core/relay/detectDeviceType). */
export interface ClientDeviceContext {
	/** `$device_type` of the player's events: "Desktop", "Mobile", "Console" or "VR". */
	deviceType: string;
	/** The platform family ("PC", "Phone", "Tablet", "Console", "VR"): player_left's `platform`. */
	platform: string;
	/** `$os` of the player's events, when the relay knows better than nothing. */
	os?: string;
}

/** One player connection, from join to leave. */
interface Connection {
	readonly subject: KnownSubject;
	readonly userId: number;
	readonly session: Session;
	/** Read once, when the connection is first seen. */
	readonly facts: JoinFacts;
	/** player_joined was sent (or skipped because the events are off): it is sent at most once. */
	joinedSent: boolean;
	countryCode?: string;
	/** idle_seconds of the last Idled report; a report not above it starts a new idle period. */
	lastIdleSeconds?: number;
}

export class LifecycleCapture {
	private readonly connections = new Map<Player, Connection>();
	/** Players whose leave was handled: they never get a session again (weak: no leak). */
	private readonly departed = new WeakSet<Player>();

	constructor(private readonly runtime: ServerRuntime) {}

	/** Registers the join and leave listeners (PostHogServer.Init then registers forgetPlayer last). */
	attach(bridge: PlayersBridge) {
		bridge.onJoin((player) => this.playerJoined(player));
		bridge.onLeave((player) => this.playerLeft(player));
	}

	/** server_started, from Init (before the players already present are joined). */
	captureServerStarted() {
		if (!this.runtime.config.captureLifecycleEvents) return;
		this.captureServer(LIFECYCLE_EVENTS.serverStarted, buildServerStartedProperties(readServerStartFacts()));
	}

	/** server_shutdown, from BindToClose. */
	captureServerShutdown() {
		if (!this.runtime.config.captureLifecycleEvents) return;
		const properties = buildServerShutdownProperties({
			playerCount: playerCount(),
			serverStartedAtMillis: this.runtime.sessions.server.startedAtMillis,
			nowMillis: this.runtime.platform.clock.nowMillis(),
		});
		this.captureServer(LIFECYCLE_EVENTS.serverShutdown, properties);
	}

	/**
	 * The state of a connected player, starting their session first if their join has not been
	 * handled yet (a game's PlayerAdded handler may capture before the SDK's runs). Undefined for a
	 * player who is not in the game or already left. Never yields.
	 */
	ensurePlayerState(player: Player): SubjectState | undefined {
		const connection = this.connect(player);
		if (connection === undefined) return undefined;
		const state = this.runtime.states.getOrCreate(connection.subject.distinctId, true);
		state.sessionId ??= connection.session.id;
		return state;
	}

	/**
	 * The relay reports that the player's client fired Player.Idled(idleSeconds). Sends one
	 * player_idle per idle period: Idled repeats with growing values while the player stays idle, so a
	 * report not above the previous one starts a new period. Values outside 0..MAX_IDLE_SECONDS
	 * (a week) or not finite are ignored.
	 */
	onClientIdle(player: Player, idleSeconds: number) {
		const connection = this.connections.get(player);
		if (connection === undefined || !typeIs(idleSeconds, "number")) return;
		if (idleSeconds !== idleSeconds || idleSeconds < 0 || idleSeconds > MAX_IDLE_SECONDS) return;
		const previous = connection.lastIdleSeconds;
		connection.lastIdleSeconds = idleSeconds;
		if (previous !== undefined && idleSeconds > previous) return;
		if (!this.runtime.config.captureLifecycleEvents) return;
		this.runtime.capture(connection.subject, LIFECYCLE_EVENTS.playerIdle, buildPlayerIdleProperties(idleSeconds));
	}

	/**
	 * The relay reports the player's device: later events of the player carry it as `$device_type`
	 * (and `$os` when given), and player_left as `platform`. Ignored once the player left.
	 */
	onClientContext(player: Player, context: ClientDeviceContext) {
		const connection = this.connections.get(player);
		if (connection === undefined) return;
		const state = this.runtime.states.get(connection.subject.distinctId);
		if (state === undefined) return;
		state.deviceType = context.deviceType;
		state.platform = context.platform;
		if (context.os !== undefined) state.os = context.os;
	}

	/** What GetSessionTeleportData returns: undefined when the player has no session here. */
	getSessionTeleportData(player: Player): TeleportData | undefined {
		const connection = this.connections.get(player);
		if (connection === undefined) return undefined;
		return this.runtime.sessions.getTeleportData(connection.userId);
	}

	/** Ends the player's session and drops their state. PostHogServer.Init registers it as the last leave listener. */
	forgetPlayer(player: Player) {
		this.departed.add(player);
		const connection = this.connections.get(player);
		if (connection === undefined) return;
		this.connections.delete(player);
		const sessions = this.runtime.sessions;
		// Another connection of the same user (a rejoin that beat this leave) keeps its own session.
		if (sessions.getPlayerSession(connection.userId) === connection.session) {
			sessions.endPlayerSession(connection.userId);
		}
		const distinctId = connection.subject.distinctId;
		if (this.runtime.states.get(distinctId)?.sessionId === connection.session.id) {
			this.runtime.states.remove(distinctId);
		}
	}

	/** Join listener (own thread; may yield for the country lookup). */
	private playerJoined(player: Player) {
		const connection = this.connect(player);
		if (connection === undefined || connection.joinedSent) return;
		if (!this.runtime.config.captureLifecycleEvents) {
			connection.joinedSent = true;
			return;
		}
		const count = playerCount();
		const countryCode = lookupCountryCode(player, COUNTRY_LOOKUP_TIMEOUT_SECONDS, (code) => {
			if (code !== undefined) connection.countryCode = code;
		});
		// The player may have left during the lookup: playerLeft then sent player_joined itself.
		if (connection.joinedSent || this.connections.get(player) !== connection) return;
		this.sendJoined(connection, count, countryCode);
	}

	/** Leave listener (PlayerRemoving; must not yield). */
	private playerLeft(player: Player) {
		const connection = this.connections.get(player);
		if (connection === undefined || !this.runtime.config.captureLifecycleEvents) return;
		const count = playerCount();
		if (!connection.joinedSent) {
			// Left before the country lookup ended: the join still comes first.
			this.sendJoined(connection, count, connection.countryCode);
		}
		const properties = buildPlayerLeftProperties({
			sessionStartedAtMillis: connection.session.startedAtMillis,
			nowMillis: this.runtime.platform.clock.nowMillis(),
			playerCountBeforeRemoval: count,
			platform: this.runtime.states.get(connection.subject.distinctId)?.platform,
			countryCode: connection.countryCode,
		});
		this.runtime.capture(connection.subject, LIFECYCLE_EVENTS.playerLeft, properties);
	}

	/**
	 * The player's connection, starting their session (from GetJoinData().TeleportData when valid)
	 * and state on first sight. Undefined for a player not in the game or already gone.
	 */
	private connect(player: Player): Connection | undefined {
		const existing = this.connections.get(player);
		if (existing !== undefined) return existing;
		if (this.departed.has(player) || !isInGame(player)) return undefined;

		const userId = player.UserId;
		const distinctId = tostring(userId);
		const facts = readJoinFacts(player);
		const start = this.runtime.sessions.startPlayerSession(userId, facts.teleportData);
		if (start.teleport.kind === "rejected") {
			const reason = start.teleport.reason;
			this.runtime.logger.throttled("warn", "TELEPORT_DATA_IGNORED", { userId, reason }, 60, `teleport:${reason}`);
		}
		const connection: Connection = {
			subject: { kind: "player", distinctId, player },
			userId,
			session: start.session,
			facts,
			joinedSent: false,
		};
		this.connections.set(player, connection);
		const state = this.runtime.states.getOrCreate(distinctId, true);
		state.sessionId = start.session.id;
		return connection;
	}

	/**
	 * is_teleport: the session was continued from TeleportData, or the player arrived by a teleport
	 * whose data the game did not pass (or that was ignored).
	 */
	private sendJoined(connection: Connection, count: number, countryCode: string | undefined) {
		connection.joinedSent = true;
		if (countryCode !== undefined) connection.countryCode = countryCode;
		const properties = buildPlayerJoinedProperties({
			isTeleport: connection.session.isFromTeleport || connection.facts.arrivedByTeleport,
			playerCount: count,
			accountAgeDays: connection.facts.accountAgeDays,
			hasRobloxSubscription: connection.facts.hasRobloxSubscription,
			countryCode: connection.countryCode,
		});
		this.runtime.capture(connection.subject, LIFECYCLE_EVENTS.playerJoined, properties);
	}

	private captureServer(event: string, properties: object) {
		this.runtime.capture({ kind: "server", distinctId: this.runtime.config.serverDistinctId }, event, properties);
	}
}
