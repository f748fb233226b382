import { describe, expect, it } from "@rbxts/jest-globals";
import { truncateUtf8 } from "../../../core/relay/truncateUtf8";

const EURO = "€"; // 3 bytes
const EMOJI = "😀"; // 4 bytes

describe("truncateUtf8", () => {
	const cases: Array<[string, number, string]> = [
		["hello", 10, "hello"],
		["hello", 5, "hello"],
		["hello", 3, "hel"],
		["hello", 0, ""],
		["hello", -1, ""],
		["a" + EURO, 3, "a"],
		["a" + EURO, 4, "a" + EURO],
		["a" + EURO + "b", 2, "a"],
		[EMOJI + EMOJI, 7, EMOJI],
		[EMOJI, 3, ""],
	];
	for (const [text, maxBytes, expected] of cases) {
		it(`cuts ${text.size()} bytes to ${expected.size()} for a cap of ${maxBytes}`, () => {
			expect(truncateUtf8(text, maxBytes)).toBe(expected);
			expect(utf8.len(truncateUtf8(text, maxBytes))[0]).toBeDefined();
		});
	}
});
