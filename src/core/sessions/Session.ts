// A PostHog session on this server: one per player connection, one for the server itself. Its id is
// the `$session_id` of every event of that subject. Pure data.

export interface Session {
	/** A lowercase UUIDv7, sent as `$session_id`. */
	readonly id: string;
	/**
	 * When the session began, unix ms. For a session continued across a teleport, when it began on
	 * the first server, so durations cover the whole journey.
	 */
	readonly startedAtMillis: number;
	/** True when the session was continued from the player's TeleportData. */
	readonly isFromTeleport: boolean;
}

const HEX = "[0-9a-f]";

/** A lowercase 8-4-4-4-12 UUID with version 7 and the RFC 9562 variant. */
const UUIDV7_PATTERN = `^${HEX.rep(8)}%-${HEX.rep(4)}%-7${HEX.rep(3)}%-[89ab]${HEX.rep(3)}%-${HEX.rep(12)}$`;

const UUID_LENGTH = 36;

/** True for a string shaped like the session ids this SDK makes (lowercase UUIDv7). */
export function isUuidV7(value: unknown): value is string {
	return typeIs(value, "string") && value.size() === UUID_LENGTH && value.match(UUIDV7_PATTERN)[0] !== undefined;
}
