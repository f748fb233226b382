// Holds the sessions of this server: one for the server, created with the registry, and one per
// connected player, started on join (continued from TeleportData when valid) and ended on leave.
// Players are keyed by UserId; the server layer maps Player -> UserId. Pure: time comes from Clock,
// ids from the injected generator (the SDK's UuidV7Generator).

import { Clock } from "../platform";
import { buildTeleportData, TeleportData } from "./buildTeleportData";
import { restoreSessionFromTeleportData, TeleportRestoreResult } from "./restoreSessionFromTeleportData";
import { Session } from "./Session";

/** Makes a new UUIDv7 for `unixMillis`. */
export type SessionIdGenerator = (unixMillis: number) => string;

export interface PlayerSessionStart {
	session: Session;
	/** False when the player already had a session (a second join signal for one connection). */
	isNew: boolean;
	/**
	 * What became of the player's TeleportData. "rejected" with "session_in_use" when another
	 * connected player holds the session the data names.
	 */
	teleport: TeleportRestoreResult | { kind: "rejected"; reason: "session_in_use" };
}

export class SessionRegistry {
	/** The server's own session, for server-scoped events. */
	readonly server: Session;
	private readonly players = new Map<number, Session>();

	constructor(
		private readonly clock: Clock,
		private readonly newSessionId: SessionIdGenerator,
	) {
		const now = clock.nowMillis();
		this.server = { id: newSessionId(now), startedAtMillis: now, isFromTeleport: false };
	}

	/**
	 * Starts the session of a player who joined, continuing the one in `teleportData`
	 * (GetJoinData().TeleportData) when it is valid for them. A player who already has a session keeps it.
	 */
	startPlayerSession(userId: number, teleportData?: unknown): PlayerSessionStart {
		const existing = this.players.get(userId);
		if (existing !== undefined) return { session: existing, isNew: false, teleport: { kind: "absent" } };

		const now = this.clock.nowMillis();
		let teleport: PlayerSessionStart["teleport"] = restoreSessionFromTeleportData(teleportData, userId, now);
		let session: Session;
		if (teleport.kind === "restored" && this.isHeld(teleport.session.id)) {
			teleport = { kind: "rejected", reason: "session_in_use" };
		}
		if (teleport.kind === "restored") {
			session = teleport.session;
		} else {
			session = { id: this.newSessionId(now), startedAtMillis: now, isFromTeleport: false };
		}
		this.players.set(userId, session);
		return { session, isNew: true, teleport };
	}

	/** The player's current session; undefined once they left (or before they joined). */
	getPlayerSession(userId: number): Session | undefined {
		return this.players.get(userId);
	}

	/** Ends and returns the player's session (undefined if they had none). */
	endPlayerSession(userId: number): Session | undefined {
		const session = this.players.get(userId);
		this.players.delete(userId);
		return session;
	}

	/** The data to merge into the player's TeleportData; undefined when the player has no session. */
	getTeleportData(userId: number): TeleportData | undefined {
		const session = this.players.get(userId);
		return session === undefined ? undefined : buildTeleportData(session, userId, this.clock.nowMillis());
	}

	/** Players with a session. */
	playerCount(): number {
		return this.players.size();
	}

	private isHeld(sessionId: string): boolean {
		for (const [, session] of this.players) if (session.id === sessionId) return true;
		return false;
	}
}
