// Dates for the is_date_before / is_date_after operators: a flag's relative date ("-30d": 30 days
// ago) or an ISO 8601 date/time, as unix milliseconds. Mirrors posthog-python's
// relative_date_parse_for_feature_flag_matching and the ISO subset of dateutil it is fed in
// practice; other formats return undefined (the match is then inconclusive: the server decides).
// Pure: "now" is an argument, calendar arithmetic comes from core/time/calendar.

import { civilFromDays, daysFromCivil } from "../time/calendar";

const MILLIS_PER_HOUR = 3_600_000;
const MILLIS_PER_DAY = 86_400_000;
/** posthog-python ignores relative dates of 10000 units or more. */
const MAX_RELATIVE_AMOUNT = 10_000;

function isLeapYear(year: number) {
	return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number) {
	if (month === 2) return isLeapYear(year) ? 29 : 28;
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** `nowMillis` moved back `months` calendar months, the day clamped to the month's end (relativedelta). */
function monthsBefore(nowMillis: number, months: number): number {
	const days = math.floor(nowMillis / MILLIS_PER_DAY);
	const millisOfDay = nowMillis - days * MILLIS_PER_DAY;
	const date = civilFromDays(days);
	const monthIndex = date.year * 12 + (date.month - 1) - months;
	const year = math.floor(monthIndex / 12);
	const month = (monthIndex % 12) + 1;
	const day = math.min(date.day, daysInMonth(year, month));
	return daysFromCivil(year, month, day) * MILLIS_PER_DAY + millisOfDay;
}

/** "-?N[hdwmy]" (N < 10000) as unix millis before `nowMillis`; the sign is optional and means "ago" either way. */
export function parseRelativeDate(text: string, nowMillis: number): number | undefined {
	const [amountText, unit] = text.match("^%-?(%d+)([a-z])$");
	if (amountText === undefined) return undefined;
	const amount = tonumber(amountText)!;
	if (amount >= MAX_RELATIVE_AMOUNT) return undefined;
	switch (unit) {
		case "h":
			return nowMillis - amount * MILLIS_PER_HOUR;
		case "d":
			return nowMillis - amount * MILLIS_PER_DAY;
		case "w":
			return nowMillis - amount * 7 * MILLIS_PER_DAY;
		case "m":
			return monthsBefore(nowMillis, amount);
		case "y":
			return monthsBefore(nowMillis, amount * 12);
		default:
			return undefined;
	}
}

/** Minutes east of UTC for a zone suffix ("", "Z", "UTC", "+05:30", "-0800", "+01"), or undefined. */
function zoneOffsetMinutes(zone: string): number | undefined {
	const trimmed = zone.gsub("^%s+", "")[0];
	if (trimmed === "" || trimmed === "Z" || trimmed === "z" || trimmed === "UTC" || trimmed === "GMT") return 0;
	const [sign, hours, minutes] = trimmed.match("^([+-])(%d%d):?(%d?%d?)$");
	if (sign === undefined) return undefined;
	const minutesText = minutes as string;
	if (minutesText.size() === 1) return undefined;
	const hourCount = tonumber(hours)!;
	const minuteCount = minutesText === "" ? 0 : tonumber(minutesText)!;
	if (hourCount > 23 || minuteCount > 59) return undefined;
	return (sign === "-" ? -1 : 1) * (hourCount * 60 + minuteCount);
}

/**
 * "YYYY-MM-DD", optionally followed by "T" or a space, "HH:MM", ":SS", ".fraction" and a zone
 * ("Z", "UTC", "+HH:MM", "+HHMM", "+HH"), as unix milliseconds. No zone means UTC, as in
 * posthog-python (convert_to_datetime_aware).
 */
export function parseIsoDate(text: string): number | undefined {
	const trimmed = text.gsub("^%s+", "")[0].gsub("%s+$", "")[0];
	const [yearText, monthText, dayText, rest] = trimmed.match("^(%d%d%d%d)%-(%d%d)%-(%d%d)(.*)$");
	if (yearText === undefined) return undefined;
	const year = tonumber(yearText)!;
	const month = tonumber(monthText)!;
	const day = tonumber(dayText)!;
	if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;

	let millisOfDay = 0;
	let zone = rest as string;
	const [hourText, minuteText, secondsPart, zonePart] = zone.match("^[T ](%d%d):(%d%d)([:%.,%d]*)(.*)$");
	if (hourText !== undefined) {
		const hour = tonumber(hourText)!;
		const minute = tonumber(minuteText)!;
		let seconds = 0;
		if (secondsPart !== "") {
			const [secondText, fraction] = (secondsPart as string).match("^:(%d%d)([%.,]?%d*)$");
			if (secondText === undefined) return undefined;
			const fractionText = fraction as string;
			if (fractionText.size() === 1) return undefined;
			seconds = tonumber(secondText)! + (fractionText === "" ? 0 : tonumber(`0.${fractionText.sub(2)}`)!);
		}
		if (hour > 23 || minute > 59 || seconds >= 60) return undefined;
		millisOfDay = hour * MILLIS_PER_HOUR + minute * 60_000 + seconds * 1000;
		zone = zonePart as string;
	}
	const offsetMinutes = zoneOffsetMinutes(zone);
	if (offsetMinutes === undefined) return undefined;
	return daysFromCivil(year, month, day) * MILLIS_PER_DAY + millisOfDay - offsetMinutes * 60_000;
}

/** A flag's date value: relative first, then ISO (posthog-python's order). */
export function parseFlagDate(text: string, nowMillis: number): number | undefined {
	return parseRelativeDate(text, nowMillis) ?? parseIsoDate(text);
}
