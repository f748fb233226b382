import { describe, expect, it } from "@rbxts/jest-globals";
import { PersonProfiles } from "../../../core/config/PostHogConfig";
import { buildEvent, EventContext, EventInput } from "../../../core/events/buildEvent";
import { FAKE_START_MILLIS } from "../../support/fakePlatform";

declare function newproxy(addMetatable: boolean): object;

const UUID = "019b7cb8-2a2e-7000-8000-000000000001";

function anInput(overrides: Partial<EventInput> = {}): EventInput {
	return { event: "level_completed", distinctId: "123", timestampMillis: FAKE_START_MILLIS, uuid: UUID, ...overrides };
}

function aContext(overrides: Partial<EventContext> = {}): EventContext {
	return {
		libName: "posthog-roblox",
		libVersion: "0.1.0",
		personProfiles: "identified_only",
		isServerScoped: false,
		...overrides,
	};
}

describe("buildEvent", () => {
	it("fills the wire fields", () => {
		const event = buildEvent(anInput(), aContext());
		expect(event).toMatchObject({
			event: "level_completed",
			distinct_id: "123",
			timestamp: "2026-01-02T03:04:05.678Z",
			uuid: UUID,
		});
	});

	it("adds $lib, $lib_version and $geoip_disable to every event", () => {
		expect(buildEvent(anInput(), aContext()).properties).toMatchObject({
			$lib: "posthog-roblox",
			$lib_version: "0.1.0",
			$geoip_disable: true,
		});
	});

	it("adds the place and server identifiers", () => {
		const server = { placeId: 111, placeVersion: 7, gameId: 222, jobId: "job-1" };
		expect(buildEvent(anInput(), aContext({ server })).properties).toMatchObject({
			place_id: 111,
			place_version: 7,
			game_id: 222,
			server_job_id: "job-1",
		});
	});

	it("leaves out an empty job id (Studio)", () => {
		const server = { placeId: 111, placeVersion: 0, gameId: 222, jobId: "" };
		expect(buildEvent(anInput(), aContext({ server })).properties.server_job_id).toBeUndefined();
	});

	it("adds $os, $device_type and $session_id when known", () => {
		const context = aContext({ os: "Windows", deviceType: "Desktop", sessionId: "session-1" });
		expect(buildEvent(anInput(), context).properties).toMatchObject({
			$os: "Windows",
			$device_type: "Desktop",
			$session_id: "session-1",
		});
	});

	it("adds $groups only when there are groups", () => {
		expect(buildEvent(anInput(), aContext({ groups: { guild: "knights" } })).properties.$groups).toEqual({
			guild: "knights",
		});
		expect(buildEvent(anInput(), aContext({ groups: {} })).properties.$groups).toBeUndefined();
	});

	describe("$process_person_profile", () => {
		const CASES: Array<[PersonProfiles, boolean, boolean]> = [
			["identified_only", false, true],
			["identified_only", true, false],
			["always", false, true],
			["always", true, true],
			["never", false, false],
			["never", true, false],
		];
		for (const [personProfiles, isServerScoped, expected] of CASES) {
			it(`is ${expected} for ${isServerScoped ? "server-scoped" : "player"} events with personProfiles "${personProfiles}"`, () => {
				const properties = buildEvent(anInput(), aContext({ personProfiles, isServerScoped })).properties;
				expect(properties.$process_person_profile).toBe(expected);
			});
		}
	});

	describe("property precedence", () => {
		it("lets caller properties override super properties", () => {
			const context = aContext({ superProperties: { region: "us-east", mode: "casual" } });
			expect(buildEvent(anInput({ properties: { mode: "ranked" } }), context).properties).toMatchObject({
				region: "us-east",
				mode: "ranked",
			});
		});

		it("lets SDK context override caller and super properties", () => {
			const context = aContext({ superProperties: { $lib: "super" }, sessionId: "sdk-session" });
			const input = anInput({ properties: { $lib: "caller", $geoip_disable: false, $session_id: "caller-session" } });
			expect(buildEvent(input, context).properties).toMatchObject({
				$lib: "posthog-roblox",
				$geoip_disable: true,
				$session_id: "sdk-session",
			});
		});

		it("lets the set and setOnce arguments override $set and $set_once in properties", () => {
			const input = anInput({
				properties: { $set: { level: 1 }, $set_once: { first: "caller" } },
				set: { level: 12 },
				setOnce: { first: "argument" },
			});
			expect(buildEvent(input, aContext()).properties).toMatchObject({
				$set: { level: 12 },
				$set_once: { first: "argument" },
			});
		});
	});

	it("sanitizes caller properties, $set and $set_once", () => {
		const input = anInput({ properties: { score: 0 / 0 }, set: { hp: math.huge }, setOnce: { fn: () => 1, x: 1 } });
		expect(buildEvent(input, aContext()).properties).toMatchObject({
			score: "NaN",
			$set: { hp: "Infinity" },
			$set_once: { x: 1 },
		});
	});

	it("passes the describeValue hook to sanitizing", () => {
		const input = anInput({ properties: { part: newproxy(false) } });
		const context = aContext({ sanitize: { describeValue: () => "Workspace.Part" } });
		expect(buildEvent(input, context).properties.part).toBe("Workspace.Part");
	});

	it("omits $set and $set_once when empty", () => {
		const properties = buildEvent(anInput({ set: {}, setOnce: { fn: () => 1 } }), aContext()).properties;
		expect(properties.$set).toBeUndefined();
		expect(properties.$set_once).toBeUndefined();
	});

	it("repairs invalid UTF-8 in the event name and distinct id", () => {
		const bad = "x" + string.char(0xff);
		const event = buildEvent(anInput({ event: bad, distinctId: bad }), aContext());
		expect(event.event).toBe("x" + utf8.char(0xfffd));
		expect(event.distinct_id).toBe("x" + utf8.char(0xfffd));
	});
});
