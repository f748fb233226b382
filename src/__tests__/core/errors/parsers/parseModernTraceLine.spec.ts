import { describe, expect, it } from "@rbxts/jest-globals";
import { parseModernTraceLine } from "../../../../core/errors/parsers/parseModernTraceLine";

describe("parseModernTraceLine", () => {
	it("reads path, line and function name", () => {
		const CASES: Array<[string, string, number, string]> = [
			["ServerScriptService.Main.Combat:42 function attack", "ServerScriptService.Main.Combat", 42, "attack"],
			["ReplicatedStorage.Shared.Util:7 function assertPositive", "ReplicatedStorage.Shared.Util", 7, "assertPositive"],
			["ServerScriptService.Main:8", "ServerScriptService.Main", 8, "?"],
			["ServerScriptService.Main:8 function <anonymous>", "ServerScriptService.Main", 8, "?"],
			// Instance names may hold spaces, dots and colons: the path ends at the last ":<line>".
			[
				"Workspace.Lobby Map.Spawn Pad.Script:7 function onTouched",
				"Workspace.Lobby Map.Spawn Pad.Script",
				7,
				"onTouched",
			],
			[
				"ServerScriptService.v2.0.Game.Round:120 function startRound",
				"ServerScriptService.v2.0.Game.Round",
				120,
				"startRound",
			],
			["Workspace.Stage 1:2.Checkpoint:15 function reach", "Workspace.Stage 1:2.Checkpoint", 15, "reach"],
			["Workspace.Stage 1:2.Checkpoint:15", "Workspace.Stage 1:2.Checkpoint", 15, "?"],
			['[string "print(1)"]:1', '[string "print(1)"]', 1, "?"],
		];
		for (const [line, filename, lineno, fn] of CASES) {
			expect(parseModernTraceLine(line)).toMatchObject({ filename, lineno, function: fn });
		}
	});

	it("rejects lines that are not frames", () => {
		const LINES = [
			"ServerScriptService.Main:12: attempt to index nil with 'Health'",
			"Stack Begin",
			"Script 'Workspace.Script', Line 3",
			"Workspace.Script, line 3 - function foo",
			"ServerScriptService.Main:x function foo",
			":12",
		];
		for (const line of LINES) expect(parseModernTraceLine(line)).toBeUndefined();
	});
});
