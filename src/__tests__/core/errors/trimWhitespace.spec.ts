import { describe, expect, it } from "@rbxts/jest-globals";
import { trimWhitespace } from "../../../core/errors/trimWhitespace";

describe("trimWhitespace", () => {
	it("removes leading and trailing whitespace only", () => {
		const CASES: Array<[string, string]> = [
			["  a b  ", "a b"],
			["\t\r\nfunction foo\r", "function foo"],
			["x", "x"],
			["", ""],
			[" \t\r\n\v\f", ""],
			["a  \0", "a  \0"],
		];
		for (const [text, trimmed] of CASES) expect(trimWhitespace(text)).toBe(trimmed);
	});
});
