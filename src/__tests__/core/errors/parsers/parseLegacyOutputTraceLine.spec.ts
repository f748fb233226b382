import { describe, expect, it } from "@rbxts/jest-globals";
import { parseLegacyOutputTraceLine } from "../../../../core/errors/parsers/parseLegacyOutputTraceLine";

describe("parseLegacyOutputTraceLine", () => {
	it("reads path, line and function name", () => {
		const CASES: Array<[string, string, number, string]> = [
			["Script 'Workspace.Part.Script', Line 3 - function damage", "Workspace.Part.Script", 3, "damage"],
			["Script 'Workspace.Part.Script', Line 9 - upvalue onTouched", "Workspace.Part.Script", 9, "onTouched"],
			["Script 'ServerScriptService.Main', Line 30 - global main", "ServerScriptService.Main", 30, "main"],
			["Script 'ReplicatedStorage.Lib', Line 10 - method Fire", "ReplicatedStorage.Lib", 10, "Fire"],
			["Script 'Workspace.Part.Script', Line 12", "Workspace.Part.Script", 12, "?"],
			[
				"Script 'Workspace.My Tycoon.Drop v1.5.Script', Line 4 - function drop",
				"Workspace.My Tycoon.Drop v1.5.Script",
				4,
				"drop",
			],
			["Script 'Workspace.Bob's Shop.Script', Line 6", "Workspace.Bob's Shop.Script", 6, "?"],
		];
		for (const [line, filename, lineno, fn] of CASES) {
			expect(parseLegacyOutputTraceLine(line)).toMatchObject({ filename, lineno, function: fn });
		}
	});

	it("rejects lines that are not frames of this format", () => {
		const LINES = [
			"Stack Begin",
			"Stack End",
			"Workspace.Part.Script:3: attempt to index nil with 'Health'",
			"Workspace.Part.Script:3 function damage",
			"Script 'Workspace.Part.Script', Line 3 junk",
			"Script 'Workspace.Part.Script', Line x",
		];
		for (const line of LINES) expect(parseLegacyOutputTraceLine(line)).toBeUndefined();
	});
});
