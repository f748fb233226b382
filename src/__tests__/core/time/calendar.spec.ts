import { describe, expect, it } from "@rbxts/jest-globals";
import { civilFromDays, daysFromCivil } from "../../../core/time/calendar";

describe("calendar", () => {
	it("puts 1970-01-01 at day 0", () => {
		expect(daysFromCivil(1970, 1, 1)).toBe(0);
		expect(civilFromDays(0)).toEqual({ year: 1970, month: 1, day: 1 });
	});

	it("counts leap days in years divisible by 4 and by 400 but not by 100", () => {
		expect(daysFromCivil(2024, 3, 1) - daysFromCivil(2024, 2, 28)).toBe(2);
		expect(daysFromCivil(2000, 3, 1) - daysFromCivil(2000, 2, 28)).toBe(2);
		expect(daysFromCivil(1900, 3, 1) - daysFromCivil(1900, 2, 28)).toBe(1);
		expect(daysFromCivil(2100, 3, 1) - daysFromCivil(2100, 2, 28)).toBe(1);
	});

	it("round-trips every day from 1899 to 2101", () => {
		const first = daysFromCivil(1899, 1, 1);
		const last = daysFromCivil(2101, 12, 31);
		let mismatches = 0;
		let previous = civilFromDays(first - 1);
		for (let days = first; days <= last; days++) {
			const date = civilFromDays(days);
			if (daysFromCivil(date.year, date.month, date.day) !== days) mismatches += 1;
			const isNextDay =
				(date.year === previous.year && date.month === previous.month && date.day === previous.day + 1) ||
				(date.day === 1 && (date.month === previous.month + 1 || (date.month === 1 && previous.month === 12)));
			if (!isNextDay) mismatches += 1;
			previous = date;
		}
		expect(mismatches).toBe(0);
	});
});
