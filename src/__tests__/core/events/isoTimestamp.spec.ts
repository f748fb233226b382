import { describe, expect, it } from "@rbxts/jest-globals";
import { isoTimestamp } from "../../../core/events/isoTimestamp";

describe("isoTimestamp", () => {
	const CASES: Array<[unixMillis: number, iso: string]> = [
		[0, "1970-01-01T00:00:00.000Z"],
		[-1, "1969-12-31T23:59:59.999Z"],
		[951827696789, "2000-02-29T12:34:56.789Z"],
		[-2203891200000, "1900-03-01T00:00:00.000Z"],
		[1709251199999, "2024-02-29T23:59:59.999Z"],
		[1709251200000, "2024-03-01T00:00:00.000Z"],
		[1704067199999, "2023-12-31T23:59:59.999Z"],
		[4107456000001, "2100-02-28T00:00:00.001Z"],
		[1767323045678, "2026-01-02T03:04:05.678Z"],
		[2147483648000, "2038-01-19T03:14:08.000Z"],
		[13601037600500, "2400-12-31T10:00:00.500Z"],
		[946684799000, "1999-12-31T23:59:59.000Z"],
	];
	for (const [unixMillis, iso] of CASES) {
		it(`formats ${unixMillis} as ${iso}`, () => {
			expect(isoTimestamp(unixMillis)).toBe(iso);
		});
	}

	it("truncates fractions of a millisecond", () => {
		expect(isoTimestamp(1767323045678.9)).toBe("2026-01-02T03:04:05.678Z");
	});
});
