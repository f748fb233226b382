import { describe, expect, it } from "@rbxts/jest-globals";
import { buildTeleportData } from "../../../core/sessions/buildTeleportData";
import {
	MAX_CLOCK_SKEW_MILLIS,
	MAX_SESSION_AGE_MILLIS,
	MAX_TELEPORT_AGE_MILLIS,
	restoreSessionFromTeleportData,
	TeleportDataRejection,
} from "../../../core/sessions/restoreSessionFromTeleportData";

const NOW = 1767323045678;
const USER_ID = 1234567;
const SESSION_ID = "019b7d2a-1c2e-7abc-8def-0123456789ab";
const STARTED = NOW - 30 * 60 * 1000;

/** What buildTeleportData writes for USER_ID, sent 5 seconds ago, with `overrides` applied. */
function sessionData(overrides: Record<string, unknown> = {}): Record<string, unknown> {
	const data = buildTeleportData(
		{ id: SESSION_ID, startedAtMillis: STARTED, isFromTeleport: false },
		USER_ID,
		NOW - 5000,
	).__posthog as unknown as Record<string, unknown>;
	for (const [key, value] of pairs(overrides)) data[key] = value;
	return data;
}

/** sessionData() without `key`. */
function sessionDataWithout(key: string): Record<string, unknown> {
	const data = sessionData();
	delete data[key];
	return data;
}

/** sessionData() with an array part. */
function sessionDataWithArrayPart(): Record<string, unknown> {
	const data = sessionData();
	(data as unknown as Array<number>)[0] = 1;
	return data;
}

function restore(teleportData: unknown) {
	return restoreSessionFromTeleportData(teleportData, USER_ID, NOW);
}

describe("restoreSessionFromTeleportData", () => {
	it("continues the session buildTeleportData wrote for this player", () => {
		expect(restore({ __posthog: sessionData(), level: 3, party: { "1": "x" } })).toEqual({
			kind: "restored",
			session: { id: SESSION_ID, startedAtMillis: STARTED, isFromTeleport: true },
		});
	});

	it("accepts data at the edges of the time limits", () => {
		const EDGES: Array<Record<string, unknown>> = [
			{ sentAtMillis: NOW - MAX_TELEPORT_AGE_MILLIS },
			{ sentAtMillis: NOW + MAX_CLOCK_SKEW_MILLIS, startedAtMillis: NOW },
			{ startedAtMillis: NOW - 5000 },
			{ startedAtMillis: NOW - 5000 - MAX_SESSION_AGE_MILLIS },
		];
		for (const overrides of EDGES) expect(restore({ __posthog: sessionData(overrides) }).kind).toBe("restored");
	});

	it("finds nothing when there is no __posthog key or TeleportData is not a table", () => {
		const VALUES: Array<unknown> = [{}, { level: 3 }, "__posthog", 42, true, [1, 2, 3]];
		for (const value of VALUES) expect(restore(value)).toEqual({ kind: "absent" });
		expect(restore(undefined)).toEqual({ kind: "absent" });
	});

	it("finds nothing in a table with a metatable, without running it", () => {
		let touched = false;
		const trap = setmetatable(
			{},
			{
				__index: () => {
					touched = true;
					return sessionData();
				},
			},
		);
		expect(restore(trap)).toEqual({ kind: "absent" });
		expect(touched).toBe(false);
	});

	const REJECTIONS: Array<[string, unknown, TeleportDataRejection]> = [
		["__posthog is a string", "019b7d2a-1c2e-7abc-8def-0123456789ab", "not_a_table"],
		["__posthog is a number", 1, "not_a_table"],
		["__posthog has a metatable", setmetatable(sessionData(), {}), "not_a_table"],
		["a field is missing", sessionDataWithout("sentAtMillis"), "unexpected_shape"],
		["there is an extra field", sessionData({ admin: true }), "unexpected_shape"],
		["there is an array part", sessionDataWithArrayPart(), "unexpected_shape"],
		["userId is a string", sessionData({ userId: tostring(USER_ID) }), "unexpected_shape"],
		["sessionId is a number", sessionData({ sessionId: 7 }), "unexpected_shape"],
		["sessionId is a nested table", sessionData({ sessionId: { SESSION_ID } }), "unexpected_shape"],
		["sentAtMillis is NaN", sessionData({ sentAtMillis: 0 / 0 }), "unexpected_shape"],
		["startedAtMillis is infinite", sessionData({ startedAtMillis: -math.huge }), "unexpected_shape"],
		["sentAtMillis is fractional", sessionData({ sentAtMillis: NOW - 0.5 }), "unexpected_shape"],
		["v is a string", sessionData({ v: "1" }), "unexpected_shape"],
		["the version is unknown", sessionData({ v: 2 }), "unsupported_version"],
		["the session id is forged", sessionData({ sessionId: "not-a-session-id" }), "malformed_session_id"],
		[
			"the session id is a v4 UUID",
			sessionData({ sessionId: "019b7d2a-1c2e-4abc-8def-0123456789ab" }),
			"malformed_session_id",
		],
		["the session id is a huge string", sessionData({ sessionId: string.rep("a", 1_000_000) }), "malformed_session_id"],
		["it was made for another player", sessionData({ userId: USER_ID + 1 }), "other_user"],
		["it is stale", sessionData({ sentAtMillis: NOW - MAX_TELEPORT_AGE_MILLIS - 1 }), "stale"],
		["it is from a replayed old teleport", sessionData({ sentAtMillis: NOW - 86_400_000 }), "stale"],
		["it was sent in the future", sessionData({ sentAtMillis: NOW + MAX_CLOCK_SKEW_MILLIS + 1 }), "sent_in_future"],
		["the session starts after it was sent", sessionData({ startedAtMillis: NOW - 4999 }), "implausible_start"],
		[
			"the session is older than any plausible session",
			sessionData({ startedAtMillis: NOW - 5001 - MAX_SESSION_AGE_MILLIS }),
			"implausible_start",
		],
		["the session starts at -2^53", sessionData({ startedAtMillis: -(2 ** 53) }), "implausible_start"],
	];
	for (const [situation, value, reason] of REJECTIONS) {
		it(`ignores the data when ${situation}`, () => {
			expect(restore({ __posthog: value })).toEqual({ kind: "rejected", reason });
		});
	}

	it("ignores a table with very many keys without reading them all", () => {
		const junk = sessionData();
		for (let index = 0; index < 100_000; index++) junk[`k${index}`] = index;
		expect(restore({ __posthog: junk })).toEqual({ kind: "rejected", reason: "unexpected_shape" });
	});

	it("never throws on hostile values", () => {
		const HOSTILE: Array<unknown> = [
			{ __posthog: { [1]: { [1]: { [1]: {} } } } },
			{ __posthog: { v: { v: { v: 1 } } } },
			{ __posthog: () => 1 },
			{ __posthog: coroutine.create(() => {}) },
			{ __posthog: buffer.create(8) },
			{
				__posthog: {
					v: 1,
					sessionId: SESSION_ID,
					userId: USER_ID,
					startedAtMillis: STARTED,
					[true as unknown as string]: 1,
				},
			},
		];
		for (const value of HOSTILE) expect(restore(value).kind).toBe("rejected");
	});
});
