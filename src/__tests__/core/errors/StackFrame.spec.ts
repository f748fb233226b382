import { describe, expect, it } from "@rbxts/jest-globals";
import { functionNameFrom, luauFrame } from "../../../core/errors/StackFrame";

describe("luauFrame", () => {
	it("makes an in-app custom Luau frame", () => {
		expect(luauFrame("attack", "ServerScriptService.Main", 42)).toEqual({
			function: "attack",
			filename: "ServerScriptService.Main",
			lineno: 42,
			in_app: true,
			platform: "custom",
			lang: "luau",
		});
	});
});

describe("functionNameFrom", () => {
	it("takes the name after the kind word Roblox writes", () => {
		const CASES: Array<[string, string]> = [
			["function attack", "attack"],
			[" function onHeartbeat ", "onHeartbeat"],
			["global main", "main"],
			["local helper", "helper"],
			["method TakeDamage", "TakeDamage"],
			["field update", "update"],
			["upvalue onTouched", "onTouched"],
			["update", "update"],
		];
		for (const [description, name] of CASES) expect(functionNameFrom(description)).toBe(name);
	});

	it("names anonymous functions ?", () => {
		for (const description of ["", "   ", "function", "function <anonymous>", "function ?", "<anonymous>", "?"]) {
			expect(functionNameFrom(description)).toBe("?");
		}
	});
});
