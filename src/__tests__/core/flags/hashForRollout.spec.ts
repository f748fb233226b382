import { describe, expect, it } from "@rbxts/jest-globals";
import { hashForRollout } from "../../../core/flags/hashForRollout";

describe("hashForRollout", () => {
	// Expected values are Python's `_hash` printed with repr (shortest round-trip form).
	const vectors: Array<[string, string, string, number]> = [
		["simple-flag", "distinct_id_0", "", 0.7836963764220432],
		["multivariate-flag", "distinct_id_2", "variant", 0.06390106281412483],
		["some-flag", "some_distinct_id", "", 0.8937694017077238],
		["flag", "ü-player", "", 0.16192445312794693],
	];
	for (const [key, bucketingValue, salt, expected] of vectors) {
		it(`matches Python for ${key} / ${bucketingValue}${salt === "" ? "" : " / " + salt}`, () => {
			expect(hashForRollout(key, bucketingValue, salt)).toBe(expected);
		});
	}

	// For these, summing the 15 hex digits one at a time in doubles rounds to a different value.
	const roundingCases: Array<[string, number]> = [
		["2", 0.7865262724149679],
		["3", 0.1801656836435245],
		["9", 0.3183935312284571],
	];
	for (const [bucketingValue, expected] of roundingCases) {
		it(`rounds the 60-bit prefix like Python for k / ${bucketingValue}`, () => {
			expect(hashForRollout("k", bucketingValue)).toBe(expected);
		});
	}

	it("stays within [0, 1]", () => {
		for (let index = 0; index < 200; index++) {
			const hash = hashForRollout("range", `id_${index}`);
			expect(hash >= 0 && hash <= 1).toBe(true);
		}
	});
});
