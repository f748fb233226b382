import { describe, expect, it } from "@rbxts/jest-globals";
import { MAX_LOCATION_PREFIXES, splitErrorLocation } from "../../../core/errors/splitErrorLocation";

describe("splitErrorLocation", () => {
	it("separates the location prefix from the message", () => {
		const CASES: Array<[string, string, string, number]> = [
			[
				"ServerScriptService.Main.Combat:42: attempt to index nil with 'Foo'",
				"attempt to index nil with 'Foo'",
				"ServerScriptService.Main.Combat",
				42,
			],
			["Workspace.Lobby Map.Spawn Pad.v2.0.Script:7: boom", "boom", "Workspace.Lobby Map.Spawn Pad.v2.0.Script", 7],
			['[string "print(1)"]:1: oops', "oops", '[string "print(1)"]', 1],
			["ServerScriptService.Main:3: ", "", "ServerScriptService.Main", 3],
			[
				"ServerScriptService.Main:3: line one\nline two: 4: x",
				"line one\nline two: 4: x",
				"ServerScriptService.Main",
				3,
			],
		];
		for (const [message, bare, filename, lineno] of CASES) {
			expect(splitErrorLocation(message)).toEqual({ message: bare, location: { filename, lineno } });
		}
	});

	it("strips every prefix of a rethrown error and keeps the outermost location", () => {
		expect(splitErrorLocation("ReplicatedStorage.Promise:120: ServerScriptService.Main:5: boom")).toEqual({
			message: "boom",
			location: { filename: "ReplicatedStorage.Promise", lineno: 120 },
		});
	});

	it(`leaves prefixes past the ${MAX_LOCATION_PREFIXES}th in the message`, () => {
		const message = string.rep("A:1: ", MAX_LOCATION_PREFIXES + 1) + "boom";
		expect(splitErrorLocation(message).message).toBe("A:1: boom");
	});

	it("keeps messages without a location whole", () => {
		for (const message of [
			"boom",
			"",
			"Expected: 5: got 4",
			"Score: 12",
			"HttpError: Timedout",
			"a\nB:3: c",
			" :3: x",
		]) {
			expect(splitErrorLocation(message)).toEqual({ message });
		}
	});
});
