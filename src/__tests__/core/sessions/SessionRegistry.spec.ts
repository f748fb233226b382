import { describe, expect, it } from "@rbxts/jest-globals";
import { UuidV7Generator } from "../../../core/events/UuidV7Generator";
import { buildTeleportData } from "../../../core/sessions/buildTeleportData";
import { isUuidV7 } from "../../../core/sessions/Session";
import { SessionRegistry } from "../../../core/sessions/SessionRegistry";
import { FAKE_START_MILLIS, FakeClock, SeededRandom } from "../../support/fakePlatform";

const USER_ID = 1234567;

/** A registry whose clock starts `startMillis`; servers started at different times mint different ids. */
function aRegistry(startMillis = FAKE_START_MILLIS) {
	const clock = new FakeClock(startMillis);
	const ids = new UuidV7Generator(clock, new SeededRandom());
	return { clock, registry: new SessionRegistry(clock, (millis) => ids.next(millis)) };
}

describe("SessionRegistry", () => {
	it("starts the server's session when created", () => {
		const { registry } = aRegistry();
		expect(isUuidV7(registry.server.id)).toBe(true);
		expect(registry.server.startedAtMillis).toBe(FAKE_START_MILLIS);
	});

	describe("startPlayerSession", () => {
		it("starts a new session for a player without teleport data", () => {
			const { clock, registry } = aRegistry();
			clock.set(10);
			const start = registry.startPlayerSession(USER_ID);
			expect(start).toMatchObject({ isNew: true, teleport: { kind: "absent" } });
			expect(start.session).toMatchObject({ startedAtMillis: FAKE_START_MILLIS + 10_000, isFromTeleport: false });
			expect(isUuidV7(start.session.id)).toBe(true);
			expect(start.session.id).never.toBe(registry.server.id);
			expect(registry.getPlayerSession(USER_ID)).toBe(start.session);
		});

		it("gives each player their own session", () => {
			const { registry } = aRegistry();
			const first = registry.startPlayerSession(1).session;
			const second = registry.startPlayerSession(2).session;
			expect(first.id).never.toBe(second.id);
		});

		it("continues the session from valid teleport data", () => {
			const { registry: origin } = aRegistry();
			origin.startPlayerSession(USER_ID);
			const teleportData = origin.getTeleportData(USER_ID);
			const { registry: destination } = aRegistry();
			const start = destination.startPlayerSession(USER_ID, teleportData);
			expect(start.teleport.kind).toBe("restored");
			expect(start.session).toEqual({ ...origin.getPlayerSession(USER_ID)!, isFromTeleport: true });
		});

		it("starts a new session when the teleport data is rejected, and says why", () => {
			const { registry: origin } = aRegistry();
			origin.startPlayerSession(USER_ID);
			const { registry } = aRegistry(FAKE_START_MILLIS + 1000);
			const start = registry.startPlayerSession(USER_ID + 1, origin.getTeleportData(USER_ID));
			expect(start.teleport).toEqual({ kind: "rejected", reason: "other_user" });
			expect(start.session.isFromTeleport).toBe(false);
			expect(start.session.id).never.toBe(origin.getPlayerSession(USER_ID)!.id);
		});

		it("refuses a teleported session another connected player already holds", () => {
			const { clock, registry } = aRegistry();
			const held = registry.startPlayerSession(1).session;
			const forged = buildTeleportData(held, 2, clock.nowMillis());
			const start = registry.startPlayerSession(2, forged);
			expect(start.teleport).toEqual({ kind: "rejected", reason: "session_in_use" });
			expect(start.session.id).never.toBe(held.id);
		});

		it("keeps the session of a player who already has one", () => {
			const { registry } = aRegistry();
			const first = registry.startPlayerSession(USER_ID).session;
			const again = registry.startPlayerSession(USER_ID);
			expect(again).toEqual({ session: first, isNew: false, teleport: { kind: "absent" } });
		});
	});

	describe("endPlayerSession", () => {
		it("returns the ended session and forgets it", () => {
			const { registry } = aRegistry();
			const session = registry.startPlayerSession(USER_ID).session;
			expect(registry.endPlayerSession(USER_ID)).toBe(session);
			expect(registry.getPlayerSession(USER_ID)).toBeUndefined();
			expect(registry.playerCount()).toBe(0);
			expect(registry.endPlayerSession(USER_ID)).toBeUndefined();
		});

		it("starts a fresh session when the player rejoins", () => {
			const { registry } = aRegistry();
			const first = registry.startPlayerSession(USER_ID).session;
			registry.endPlayerSession(USER_ID);
			expect(registry.startPlayerSession(USER_ID).session.id).never.toBe(first.id);
		});
	});

	describe("getTeleportData", () => {
		it("describes the player's session, sent now", () => {
			const { clock, registry } = aRegistry();
			const session = registry.startPlayerSession(USER_ID).session;
			clock.set(60);
			expect(registry.getTeleportData(USER_ID)).toEqual(buildTeleportData(session, USER_ID, clock.nowMillis()));
		});

		it("is undefined for a player without a session", () => {
			expect(aRegistry().registry.getTeleportData(USER_ID)).toBeUndefined();
		});
	});
});
