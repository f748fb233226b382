import { describe, expect, it } from "@rbxts/jest-globals";
import { parseRetryAfter } from "../../../core/delivery/parseRetryAfter";

/** Wed, 21 Oct 2015 07:28:00 GMT */
const DATE_MILLIS = 1445412480000;

describe("parseRetryAfter", () => {
	it("reads delay-seconds", () => {
		expect(parseRetryAfter("3", 0)).toBe(3);
		expect(parseRetryAfter(" 120 ", 0)).toBe(120);
		expect(parseRetryAfter("2.5", 0)).toBe(2.5);
	});

	it("reads an HTTP date as the seconds until it", () => {
		expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", DATE_MILLIS - 5000)).toBe(5);
	});

	it("reads an HTTP date in the past as 0", () => {
		expect(parseRetryAfter("Wed, 21 Oct 2015 07:28:00 GMT", DATE_MILLIS + 5000)).toBe(0);
	});

	it("reads an HTTP date across a leap day", () => {
		// Thu, 29 Feb 2024 23:59:59 GMT
		expect(parseRetryAfter("Thu, 29 Feb 2024 23:59:59 GMT", 1709251199000 - 1000)).toBe(1);
	});

	it("returns undefined for a missing or unreadable header", () => {
		for (const header of [undefined, "", "soon", "-1", "21 Oct 2015", "Wed, 21 Foo 2015 07:28:00 GMT"]) {
			expect(parseRetryAfter(header, 0)).toBeUndefined();
		}
	});
});
