import { describe, expect, it } from "@rbxts/jest-globals";
import { uuidv7 } from "../../../core/events/uuidv7";

const GUID = "0123abcd-ef45-4678-9abc-def012345678";
const UUID_PATTERN = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-7%x%x%x%-[89ab]%x%x%x%-%x%x%x%x%x%x%x%x%x%x%x%x$";

describe("uuidv7", () => {
	it("is lowercase 8-4-4-4-12 hex with version 7 and the RFC 4122 variant", () => {
		for (const guid of [
			GUID,
			GUID.upper(),
			"FFFFFFFFFFFF4FFFBFFFFFFFFFFFFFFF",
			"00000000-0000-4000-8000-000000000000",
		]) {
			const id = uuidv7(1767323045678, guid);
			expect(id.match(UUID_PATTERN)[0]).toBe(id);
		}
	});

	it("starts with the 48-bit millisecond timestamp", () => {
		expect(uuidv7(0x019b7d2a1c2e, GUID).sub(1, 13)).toBe("019b7d2a-1c2e");
		expect(uuidv7(0, GUID).sub(1, 13)).toBe("00000000-0000");
	});

	it("takes its random bits from the GUID, skipping the GUID's fixed version and variant digits", () => {
		// GUID digits 0123abcdef45 [4] 678 [9] abcdef012345678; the bracketed ones are fixed in a v4 GUID.
		expect(uuidv7(0, GUID)).toBe("00000000-0000-7012-babc-def45678abcd");
	});

	it("puts the sequence in rand_a when given", () => {
		expect(uuidv7(0, GUID, 0).sub(15, 18)).toBe("7000");
		expect(uuidv7(0, GUID, 0xabc).sub(15, 18)).toBe("7abc");
		expect(uuidv7(0, GUID, 0x1fff).sub(15, 18)).toBe("7fff");
	});

	it("sorts by time as a string", () => {
		const earlier = uuidv7(1767323045678, "ffffffffffff4fffbfffffffffffffff");
		const later = uuidv7(1767323045679, "00000000000040008000000000000000");
		expect(earlier < later).toBe(true);
	});
});
