import { describe, expect, it } from "@rbxts/jest-globals";
import { repairUtf8 } from "../../../core/events/repairUtf8";

const FFFD = utf8.char(0xfffd);
const bytes = (...codes: Array<number>) => string.char(...codes);

describe("repairUtf8", () => {
	it("returns valid strings unchanged", () => {
		for (const text of [
			"",
			"hello",
			"héllo wörld",
			"日本語",
			"한국어 텍스트",
			"emoji 🎮",
			utf8.char(0xd7ff, 0xe000, 0x10ffff),
		]) {
			expect(repairUtf8(text)).toBe(text);
		}
	});

	const INVALID: Array<[name: string, input: string, repaired: string]> = [
		["a lone continuation byte", "a" + bytes(0x80) + "b", "a" + FFFD + "b"],
		["a truncated sequence at the end", "ab" + bytes(0xe6, 0x97), "ab" + FFFD + FFFD],
		["a lead byte followed by ASCII", bytes(0xc3) + "x", FFFD + "x"],
		["an overlong encoding", bytes(0xc0, 0xaf), FFFD + FFFD],
		["an overlong three-byte encoding", bytes(0xe0, 0x80, 0xaf), FFFD + FFFD + FFFD],
		["a UTF-16 surrogate", "x" + bytes(0xed, 0xa0, 0x80) + "y", "x" + FFFD + FFFD + FFFD + "y"],
		["a code point past U+10FFFF", bytes(0xf4, 0x90, 0x80, 0x80), FFFD + FFFD + FFFD + FFFD],
		["bytes that never appear in UTF-8", bytes(0xfe, 0xff), FFFD + FFFD],
		["invalid bytes between valid characters", "é" + bytes(0xff) + "日", "é" + FFFD + "日"],
	];
	for (const [name, input, repaired] of INVALID) {
		it(`replaces ${name} with U+FFFD`, () => {
			expect(repairUtf8(input)).toBe(repaired);
		});
	}

	it("always returns a string utf8.len accepts", () => {
		let text = "";
		for (let code = 0; code < 256; code++) text += bytes(code);
		const [length] = utf8.len(repairUtf8(text));
		expect(length).never.toBe(false);
		expect(length).never.toBeUndefined();
	});
});
