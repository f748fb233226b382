import { describe, expect, it } from "@rbxts/jest-globals";
import { sha1Hex } from "../../../core/flags/sha1";

/** 1000 bytes covering every byte value: (i * 7 + 3) % 256. */
function thousandBytes(): string {
	const parts = new Array<string>();
	for (let index = 0; index < 1000; index++) parts.push(string.char((index * 7 + 3) % 256));
	return parts.join("");
}

describe("sha1Hex", () => {
	const vectors: Array<[string, string, string]> = [
		["the empty string", "", "da39a3ee5e6b4b0d3255bfef95601890afd80709"],
		["abc", "abc", "a9993e364706816aba3e25717850c26c9cd0d89d"],
		[
			"the 448-bit FIPS message (two blocks)",
			"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
			"84983e441c3bd26ebaae4aa1f95129e5e54670f1",
		],
		["55 bytes (padding fits one block)", string.rep("x", 55), "cef734ba81a024479e09eb5a75b6ddae62e6abf1"],
		["56 bytes (padding needs a second block)", string.rep("x", 56), "901305367c259952f4e7af8323f480d59f81335b"],
		["64 bytes (exactly one block)", string.rep("x", 64), "bb2fa3ee7afb9f54c6dfb5d021f14b1ffe40c163"],
		["1000 'a' bytes", string.rep("a", 1000), "291e9a6c66994949b57ba5e650361e98fc36b1ba"],
		["1000 bytes of every value", thousandBytes(), "4231a8a50a10fa9758db8ec71fdef855b751048a"],
	];
	for (const [name, message, digest] of vectors) {
		it(`hashes ${name}`, () => {
			expect(sha1Hex(message)).toBe(digest);
		});
	}
});
