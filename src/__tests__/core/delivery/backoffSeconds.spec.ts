import { describe, expect, it } from "@rbxts/jest-globals";
import { backoffSeconds } from "../../../core/delivery/backoffSeconds";

describe("backoffSeconds", () => {
	it("doubles with each attempt, starting at 1 s", () => {
		expect([1, 2, 3, 4, 5].map((attempt) => backoffSeconds(attempt, undefined, 0.5))).toEqual([1, 2, 4, 8, 16]);
	});

	it("is capped at 30 s", () => {
		expect(backoffSeconds(6, undefined, 0.5)).toBe(30);
		expect(backoffSeconds(50, undefined, 0.999)).toBe(30);
	});

	it("adds up to 25 % jitter either way", () => {
		expect(backoffSeconds(3, undefined, 0)).toBe(3);
		expect(backoffSeconds(3, undefined, 1)).toBe(5);
		for (let draw = 0; draw < 1; draw += 0.05) {
			const delay = backoffSeconds(2, undefined, draw);
			expect(delay >= 1.5 && delay <= 2.5).toBe(true);
		}
	});

	it("waits at least 100 ms before the first retry", () => {
		expect(backoffSeconds(1, undefined, 0) >= 0.1).toBe(true);
	});

	it("waits at least Retry-After", () => {
		expect(backoffSeconds(1, 3, 0)).toBe(3);
		expect(backoffSeconds(1, 2.5, 0.5)).toBe(2.5);
	});

	it("keeps the exponential delay when it is longer than Retry-After", () => {
		expect(backoffSeconds(4, 3, 0.5)).toBe(8);
	});

	it("caps Retry-After at 30 s", () => {
		expect(backoffSeconds(1, 3600, 0.5)).toBe(30);
	});
});
