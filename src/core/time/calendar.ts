// Proleptic Gregorian calendar arithmetic on day counts since 1970-01-01, so timestamps can be
// formatted and parsed without os.date or DateTime. Algorithm: Howard Hinnant, "chrono-Compatible
// Low-Level Date Algorithms" (public domain): years are shifted to start in March so the leap day
// falls at the end, and 400-year eras of 146097 days repeat exactly.

const DAYS_PER_ERA = 146097;
/** Days from 0000-03-01 to 1970-01-01. */
const EPOCH_SHIFT_DAYS = 719468;

export interface CivilDate {
	year: number;
	/** 1–12 */
	month: number;
	/** 1–31 */
	day: number;
}

/** Days since 1970-01-01 (negative before) of the given calendar date. */
export function daysFromCivil(year: number, month: number, day: number): number {
	const shiftedYear = month <= 2 ? year - 1 : year;
	const era = math.floor(shiftedYear / 400);
	const yearOfEra = shiftedYear - era * 400;
	const monthFromMarch = (month + 9) % 12;
	const dayOfYear = math.floor((153 * monthFromMarch + 2) / 5) + day - 1;
	const dayOfEra = yearOfEra * 365 + math.floor(yearOfEra / 4) - math.floor(yearOfEra / 100) + dayOfYear;
	return era * DAYS_PER_ERA + dayOfEra - EPOCH_SHIFT_DAYS;
}

/** The calendar date `days` days after 1970-01-01. */
export function civilFromDays(days: number): CivilDate {
	const shifted = days + EPOCH_SHIFT_DAYS;
	const era = math.floor(shifted / DAYS_PER_ERA);
	const dayOfEra = shifted - era * DAYS_PER_ERA;
	const yearOfEra = math.floor(
		(dayOfEra - math.floor(dayOfEra / 1460) + math.floor(dayOfEra / 36524) - math.floor(dayOfEra / 146096)) / 365,
	);
	const dayOfYear = dayOfEra - (365 * yearOfEra + math.floor(yearOfEra / 4) - math.floor(yearOfEra / 100));
	const monthFromMarch = math.floor((5 * dayOfYear + 2) / 153);
	const day = dayOfYear - math.floor((153 * monthFromMarch + 2) / 5) + 1;
	const month = monthFromMarch < 10 ? monthFromMarch + 3 : monthFromMarch - 9;
	const year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0);
	return { year, month, day };
}
