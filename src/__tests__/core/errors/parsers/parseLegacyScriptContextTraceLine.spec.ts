import { describe, expect, it } from "@rbxts/jest-globals";
import { parseLegacyScriptContextTraceLine } from "../../../../core/errors/parsers/parseLegacyScriptContextTraceLine";

describe("parseLegacyScriptContextTraceLine", () => {
	it("reads path, line and function name", () => {
		const CASES: Array<[string, string, number, string]> = [
			["ReplicatedStorage.Lib, line 10 - function doThing", "ReplicatedStorage.Lib", 10, "doThing"],
			["Workspace.Part.Script, line 9 - upvalue onTouched", "Workspace.Part.Script", 9, "onTouched"],
			["ServerScriptService.Main, line 30 - global main", "ServerScriptService.Main", 30, "main"],
			["Workspace.Part.Script, line 12", "Workspace.Part.Script", 12, "?"],
			[
				"Workspace.Obby Stage 3.Kill Brick.v2.Script, line 5 - function kill",
				"Workspace.Obby Stage 3.Kill Brick.v2.Script",
				5,
				"kill",
			],
		];
		for (const [line, filename, lineno, fn] of CASES) {
			expect(parseLegacyScriptContextTraceLine(line)).toMatchObject({ filename, lineno, function: fn });
		}
	});

	it("rejects lines that are not frames of this format", () => {
		const LINES = [
			"Stack Begin",
			"Workspace.Part.Script:3 function damage",
			"Workspace.Part.Script, line 3 junk",
			"Workspace.Part.Script, Line 3",
		];
		for (const line of LINES) expect(parseLegacyScriptContextTraceLine(line)).toBeUndefined();
	});
});
