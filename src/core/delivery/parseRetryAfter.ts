// Reads an HTTP Retry-After header (RFC 9110 §10.2.3): delay-seconds ("3", also "2.5") or an
// IMF-fixdate ("Wed, 21 Oct 2015 07:28:00 GMT"). Pure: "now" is an argument.

import { daysFromCivil } from "../time/calendar";

const MONTHS: ReadonlyMap<string, number> = new Map([
	["jan", 1],
	["feb", 2],
	["mar", 3],
	["apr", 4],
	["may", 5],
	["jun", 6],
	["jul", 7],
	["aug", 8],
	["sep", 9],
	["oct", 10],
	["nov", 11],
	["dec", 12],
]);

/** Seconds to wait (>= 0) per the header, or undefined when it is absent or unreadable. */
export function parseRetryAfter(header: string | undefined, nowMillis: number): number | undefined {
	if (header === undefined) return undefined;
	const [trimmed] = header.match("^%s*(.-)%s*$");
	const value = trimmed as string;

	if (value.match("^%d+%.?%d*$")[0] !== undefined) return tonumber(value);

	const [day, monthName, year, hour, minute, second] = value.match(
		"^%a%a%a, (%d%d) (%a%a%a) (%d%d%d%d) (%d%d):(%d%d):(%d%d) GMT$",
	);
	if (day === undefined) return undefined;
	const month = MONTHS.get((monthName as string).lower());
	if (month === undefined) return undefined;
	const days = daysFromCivil(tonumber(year)!, month, tonumber(day)!);
	const dateMillis = (((days * 24 + tonumber(hour)!) * 60 + tonumber(minute)!) * 60 + tonumber(second)!) * 1000;
	return math.max(0, (dateMillis - nowMillis) / 1000);
}
