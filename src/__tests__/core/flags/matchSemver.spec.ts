import { describe, expect, it } from "@rbxts/jest-globals";
import { compareSemver, parseSemver, SemverTriple } from "../../../core/flags/matchSemver";

describe("parseSemver", () => {
	const accepted: Array<[string, SemverTriple]> = [
		["1.2.3", [1, 2, 3]],
		["v1.2.3", [1, 2, 3]],
		["V1.2.3", [1, 2, 3]],
		[" 1.2.3 ", [1, 2, 3]],
		["1.2", [1, 2, 0]],
		["7", [7, 0, 0]],
		["1.2.3-beta.1", [1, 2, 3]],
		["1.2.3+build.5", [1, 2, 3]],
		["1.2.3-rc.1+build", [1, 2, 3]],
		["0.0.0", [0, 0, 0]],
		["10.20.30", [10, 20, 30]],
	];
	for (const [text, triple] of accepted) {
		it(`reads "${text}"`, () => {
			expect(parseSemver(text)).toEqual(triple);
		});
	}

	for (const text of ["", "v", "01.2.3", "1.02.3", "1.2.03", "1.2.3.4", "1..3", "1.2.", "a.b.c", "1.x.3", "-1.2.3"]) {
		it(`rejects "${text}"`, () => {
			expect(parseSemver(text)).toBe(undefined);
		});
	}
});

describe("compareSemver", () => {
	it("orders by major, then minor, then patch, numerically", () => {
		expect(compareSemver([1, 10, 0], [1, 9, 9])).toBe(1);
		expect(compareSemver([1, 2, 3], [1, 2, 3])).toBe(0);
		expect(compareSemver([0, 9, 9], [1, 0, 0])).toBe(-1);
	});
});
