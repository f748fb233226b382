import { describe, expect, it } from "@rbxts/jest-globals";
import { buildException } from "../../../core/errors/buildException";
import { errorFingerprint, FINGERPRINT_MESSAGE_LENGTH } from "../../../core/errors/errorFingerprint";

/** The fingerprint of an unhandled error with this message and trace. */
function fingerprintOf(message: string, trace?: string): string {
	return errorFingerprint(
		buildException({ message, trace, handled: false, source: "script_context" }).$exception_list[0],
	);
}

describe("errorFingerprint", () => {
	it("is type, message and crash site", () => {
		const trace = "ServerScriptService.Combat.Damage:42 function applyDamage\nServerScriptService.Combat:17";
		expect(fingerprintOf("ServerScriptService.Combat.Damage:42: attempt to index nil", trace)).toBe(
			"Error|attempt to index nil|ServerScriptService.Combat.Damage:42",
		);
	});

	it("ignores numbers and table addresses in the message", () => {
		const CASES: Array<[string, string]> = [
			["Main:3: index 7 out of range", "Main:3: index 12 out of range"],
			["Main:3: bad value table: 0x5f2a9c10", "Main:3: bad value table: 0x00ff81e0"],
			["Main:3: player 123456 has no data", "Main:3: player 99 has no data"],
		];
		for (const [first, second] of CASES) expect(fingerprintOf(first)).toBe(fingerprintOf(second));
	});

	it("ignores where the error was rethrown when the crash site is the same", () => {
		const trace = "ServerScriptService.Main:5 function run";
		expect(fingerprintOf("ReplicatedStorage.Promise:120: ServerScriptService.Main:5: boom", trace)).toBe(
			fingerprintOf("ServerScriptService.Main:5: boom", trace),
		);
	});

	it("tells apart different messages, types and crash sites", () => {
		const fingerprints = [
			fingerprintOf("Main:3: attempt to index nil"),
			fingerprintOf("Main:3: attempt to call a nil value"),
			fingerprintOf("Main:4: attempt to index nil"),
			fingerprintOf("Other:3: attempt to index nil"),
			fingerprintOf("Main:3: HttpError: attempt to index nil"),
			fingerprintOf("attempt to index nil"),
		];
		const unique = new Set(fingerprints);
		expect(unique.size()).toBe(fingerprints.size());
	});

	it("keeps only the start of a long message", () => {
		const long = string.rep("x", FINGERPRINT_MESSAGE_LENGTH * 50);
		expect(fingerprintOf(long).size() < FINGERPRINT_MESSAGE_LENGTH + 20).toBe(true);
		expect(fingerprintOf(long)).toBe(fingerprintOf(long + "y"));
	});
});
