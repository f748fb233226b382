import { describe, expect, it } from "@rbxts/jest-globals";
import { parseFlagDate, parseIsoDate, parseRelativeDate } from "../../../core/flags/parseFlagDate";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** 2026-03-31T12:00:00Z */
const END_OF_MARCH = 1774958400000;
/** 2024-02-29T08:00:00Z */
const LEAP_DAY = 1709193600000;

describe("parseRelativeDate", () => {
	const cases: Array<[string, number, number]> = [
		["-3h", END_OF_MARCH, END_OF_MARCH - 3 * HOUR],
		["3h", END_OF_MARCH, END_OF_MARCH - 3 * HOUR],
		["-2d", END_OF_MARCH, END_OF_MARCH - 2 * DAY],
		["-1w", END_OF_MARCH, END_OF_MARCH - 7 * DAY],
		["-1m", END_OF_MARCH, 1772280000000], // 2026-02-28T12:00:00Z: the day is clamped
		["-1y", LEAP_DAY, 1677571200000], // 2023-02-28T08:00:00Z
		["-9999d", END_OF_MARCH, END_OF_MARCH - 9999 * DAY],
	];
	for (const [text, now, expected] of cases) {
		it(`reads ${text}`, () => {
			expect(parseRelativeDate(text, now)).toBe(expected);
		});
	}

	for (const text of ["-10000d", "-3x", "-3", "d", "-3D", "- 3d", "2024-01-01"]) {
		it(`rejects ${text}`, () => {
			expect(parseRelativeDate(text, END_OF_MARCH)).toBe(undefined);
		});
	}
});

describe("parseIsoDate", () => {
	const cases: Array<[string, number]> = [
		["2024-01-01", 1704067200000],
		["2024-01-01T00:00:00Z", 1704067200000],
		["2024-01-01 00:00:00", 1704067200000],
		["2024-01-01T00:00", 1704067200000],
		["2024-01-01T10:30:00+05:30", 1704085200000],
		["2024-01-01T10:30:00+0530", 1704085200000],
		["2024-01-01T10:30:00.25Z", 1704105000250],
		["2024-01-01T10:30:00.250000 UTC", 1704105000250],
		["2025-12-31T20:00:00-08:00", 1767240000000],
		["2024-02-29", 1709164800000],
	];
	for (const [text, expected] of cases) {
		it(`reads ${text}`, () => {
			expect(parseIsoDate(text)).toBe(expected);
		});
	}

	for (const text of [
		"2023-02-29",
		"2024-13-01",
		"2024-01-01T24:00",
		"2024-01-01T10:60",
		"01/02/2024",
		"tomorrow",
		"",
	]) {
		it(`rejects "${text}"`, () => {
			expect(parseIsoDate(text)).toBe(undefined);
		});
	}
});

describe("parseFlagDate", () => {
	it("prefers a relative date", () => {
		expect(parseFlagDate("-1d", END_OF_MARCH)).toBe(END_OF_MARCH - DAY);
	});

	it("falls back to an ISO date", () => {
		expect(parseFlagDate("2024-01-01", END_OF_MARCH)).toBe(1704067200000);
	});
});
