import { describe, expect, it } from "@rbxts/jest-globals";
import { uuidv7 } from "../../../core/events/uuidv7";
import { isUuidV7 } from "../../../core/sessions/Session";

describe("isUuidV7", () => {
	it("accepts the ids uuidv7 makes", () => {
		for (const guid of ["0123abcd-ef45-4678-9abc-def012345678", "FFFFFFFFFFFF4FFFBFFFFFFFFFFFFFFF"]) {
			expect(isUuidV7(uuidv7(1767323045678, guid))).toBe(true);
		}
	});

	it("rejects anything else", () => {
		const VALUES: Array<unknown> = [
			"019b7d2a-1c2e-4abc-8def-0123456789ab", // version 4
			"019b7d2a-1c2e-7abc-cdef-0123456789ab", // wrong variant
			"019B7D2A-1C2E-7ABC-8DEF-0123456789AB", // upper case
			"019b7d2a1c2e7abc8def0123456789ab", // no dashes
			"019b7d2a-1c2e-7abc-8def-0123456789ab ",
			"019b7d2a-1c2e-7abc-8def-0123456789abc",
			"019b7d2a-1c2e-7abc-8def-0123456789ag",
			"",
			string.rep("a", 1_000_000),
			5,
			{},
		];
		for (const value of VALUES) expect(isUuidV7(value)).toBe(false);
		expect(isUuidV7(undefined)).toBe(false);
	});
});
