// The TeleportData a game merges in before teleporting a player, so the destination server can
// continue the player's session (restoreSessionFromTeleportData reads it back). TeleportData is
// visible to and editable by the client: it carries nothing secret, only what the destination checks. Pure.

import { Session } from "./Session";

/** The key the SDK owns in TeleportData. */
export const TELEPORT_DATA_KEY = "__posthog";

/** Bumped when the shape of TeleportSessionData changes; other versions are ignored on arrival. */
export const TELEPORT_DATA_VERSION = 1;

/** The value under TELEPORT_DATA_KEY. */
export interface TeleportSessionData {
	v: number;
	/** The session's UUIDv7. */
	sessionId: string;
	/** The player it belongs to; the destination accepts it only for this player. */
	userId: number;
	/** When the session began, unix ms. */
	startedAtMillis: number;
	/** When this data was made (just before the teleport), unix ms; bounds its age on arrival. */
	sentAtMillis: number;
}

export interface TeleportData {
	[TELEPORT_DATA_KEY]: TeleportSessionData;
}

/** A table for the game to merge into its TeleportData (`GetSessionTeleportData(player)`). */
export function buildTeleportData(session: Session, userId: number, nowMillis: number): TeleportData {
	return {
		[TELEPORT_DATA_KEY]: {
			v: TELEPORT_DATA_VERSION,
			sessionId: session.id,
			userId,
			startedAtMillis: math.floor(session.startedAtMillis),
			sentAtMillis: math.floor(nowMillis),
		},
	};
}
