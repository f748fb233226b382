// Continues a player's session from the TeleportData they arrived with, when it is exactly what
// buildTeleportData made, for this player, and recent. TeleportData passes through the client, so
// anything else (forged, foreign, stale, malformed or hostile) is ignored and the player gets a new
// session. The checks cannot prove the id was ours (there is no secret to sign with): they bound what
// a forger can do to naming the session of their own recent events. Pure; never throws.

import { TELEPORT_DATA_KEY, TELEPORT_DATA_VERSION, TeleportSessionData } from "./buildTeleportData";
import { isUuidV7, Session } from "./Session";

/** Data older than this is ignored (a teleport takes seconds, a slow one a minute or two). */
export const MAX_TELEPORT_AGE_MILLIS = 10 * 60 * 1000;

/** How far in the future `sentAtMillis` may be: Roblox servers' clocks differ by a little. */
export const MAX_CLOCK_SKEW_MILLIS = 2 * 60 * 1000;

/** Longest plausible session: a session said to have started earlier than this before it was sent is ignored. */
export const MAX_SESSION_AGE_MILLIS = 7 * 24 * 60 * 60 * 1000;

/** Why teleport data was ignored. */
export type TeleportDataRejection =
	/** `__posthog` is not a plain table. */
	| "not_a_table"
	/** Missing or extra keys, or a value of the wrong type (or not a finite integer). */
	| "unexpected_shape"
	/** Made by an SDK version whose format this one does not read. */
	| "unsupported_version"
	/** `sessionId` is not a lowercase UUIDv7. */
	| "malformed_session_id"
	/** Made for another player. */
	| "other_user"
	/** `sentAtMillis` is more than MAX_TELEPORT_AGE_MILLIS ago. */
	| "stale"
	/** `sentAtMillis` is more than MAX_CLOCK_SKEW_MILLIS in the future. */
	| "sent_in_future"
	/** `startedAtMillis` is after `sentAtMillis`, or more than MAX_SESSION_AGE_MILLIS before it. */
	| "implausible_start";

export type TeleportRestoreResult =
	| { kind: "restored"; session: Session }
	/** No `__posthog` key: not a teleport, or from a game that did not pass the data. */
	| { kind: "absent" }
	| { kind: "rejected"; reason: TeleportDataRejection };

/** The fields of TeleportSessionData and the Luau type each must have. */
const FIELD_TYPES: ReadonlyMap<string, "number" | "string"> = new Map<string, "number" | "string">([
	["v", "number"],
	["sessionId", "string"],
	["userId", "number"],
	["startedAtMillis", "number"],
	["sentAtMillis", "number"],
]);

/**
 * The session carried by `teleportData` (GetJoinData().TeleportData, any value) for the arriving
 * player `userId`, checked against `nowMillis` (unix ms).
 */
export function restoreSessionFromTeleportData(
	teleportData: unknown,
	userId: number,
	nowMillis: number,
): TeleportRestoreResult {
	if (!isPlainTable(teleportData)) return { kind: "absent" };
	const raw = rawget(teleportData, TELEPORT_DATA_KEY);
	if (raw === undefined) return { kind: "absent" };
	if (!isPlainTable(raw)) return { kind: "rejected", reason: "not_a_table" };
	if (!hasExactShape(raw)) return { kind: "rejected", reason: "unexpected_shape" };
	const data = raw as unknown as TeleportSessionData;

	if (data.v !== TELEPORT_DATA_VERSION) return { kind: "rejected", reason: "unsupported_version" };
	if (!isUuidV7(data.sessionId)) return { kind: "rejected", reason: "malformed_session_id" };
	if (data.userId !== userId) return { kind: "rejected", reason: "other_user" };
	if (data.sentAtMillis > nowMillis + MAX_CLOCK_SKEW_MILLIS) return { kind: "rejected", reason: "sent_in_future" };
	if (nowMillis - data.sentAtMillis > MAX_TELEPORT_AGE_MILLIS) return { kind: "rejected", reason: "stale" };
	if (data.startedAtMillis > data.sentAtMillis || data.sentAtMillis - data.startedAtMillis > MAX_SESSION_AGE_MILLIS) {
		return { kind: "rejected", reason: "implausible_start" };
	}
	return {
		kind: "restored",
		session: { id: data.sessionId, startedAtMillis: data.startedAtMillis, isFromTeleport: true },
	};
}

/** A table without a metatable, so reading it runs no code. */
function isPlainTable(value: unknown): value is object {
	return typeIs(value, "table") && getmetatable(value) === undefined;
}

/** Exactly the keys of TeleportSessionData, each of its type; numbers finite integers. Stops at the first extra key. */
function hasExactShape(candidate: object): boolean {
	let count = 0;
	for (const [key, value] of pairs(candidate as Record<never, unknown>)) {
		count += 1;
		if (count > FIELD_TYPES.size() || !typeIs(key, "string")) return false;
		const expected = FIELD_TYPES.get(key);
		if (expected === undefined || !typeIs(value, expected)) return false;
		if (expected === "number" && !isFiniteInteger(value as number)) return false;
	}
	return count === FIELD_TYPES.size();
}

function isFiniteInteger(value: number): boolean {
	// NaN fails the first test, infinities the second.
	return value === value && math.abs(value) < math.huge && value % 1 === 0;
}
