import { describe, expect, it } from "@rbxts/jest-globals";
import { buildTeleportData } from "../../../core/sessions/buildTeleportData";

const SESSION_ID = "019b7d2a-1c2e-7abc-8def-0123456789ab";

describe("buildTeleportData", () => {
	it("puts the session, the player and the send time under __posthog", () => {
		const session = { id: SESSION_ID, startedAtMillis: 1767323000000, isFromTeleport: false };
		expect(buildTeleportData(session, 1234567, 1767323045678)).toEqual({
			__posthog: {
				v: 1,
				sessionId: SESSION_ID,
				userId: 1234567,
				startedAtMillis: 1767323000000,
				sentAtMillis: 1767323045678,
			},
		});
	});

	it("writes whole milliseconds", () => {
		const session = { id: SESSION_ID, startedAtMillis: 1000.7, isFromTeleport: false };
		expect(buildTeleportData(session, 1, 2000.9).__posthog).toMatchObject({
			startedAtMillis: 1000,
			sentAtMillis: 2000,
		});
	});
});
