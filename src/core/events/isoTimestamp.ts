// Formats unix milliseconds as the UTC ISO-8601 timestamp PostHog expects, with milliseconds
// ("2026-01-02T03:04:05.678Z"). Pure arithmetic: no os.date, no DateTime.

import { civilFromDays } from "../time/calendar";

const MILLIS_PER_DAY = 86_400_000;

/** `YYYY-MM-DDTHH:MM:SS.mmmZ` for `unixMillis` (fractions of a millisecond are truncated). */
export function isoTimestamp(unixMillis: number): string {
	const millis = math.floor(unixMillis);
	const days = math.floor(millis / MILLIS_PER_DAY);
	const millisOfDay = millis - days * MILLIS_PER_DAY;
	const date = civilFromDays(days);
	return string.format(
		"%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
		date.year,
		date.month,
		date.day,
		math.floor(millisOfDay / 3_600_000),
		math.floor(millisOfDay / 60_000) % 60,
		math.floor(millisOfDay / 1000) % 60,
		millisOfDay % 1000,
	);
}
