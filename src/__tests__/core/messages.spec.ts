import { describe, expect, it } from "@rbxts/jest-globals";
import { formatMessage, MESSAGES } from "../../core/messages";

describe("formatMessage", () => {
	it("fills placeholders", () => {
		expect(formatMessage("BATCH_SENT", { count: 3, bytes: 120 })).toBe("sent 3 event(s) in 120 bytes");
	});

	it("keeps placeholders without an argument", () => {
		expect(formatMessage("BATCH_SENT", { count: 3 })).toBe("sent 3 event(s) in {bytes} bytes");
	});

	it("inserts arguments containing % and braces literally", () => {
		expect(formatMessage("BEFORE_SEND_DROPPED", { event: "100% {done}" })).toBe(
			'beforeSend dropped event "100% {done}"',
		);
	});
});

describe("MESSAGES", () => {
	it("has ids in SCREAMING_SNAKE_CASE and non-empty templates", () => {
		for (const [id, template] of pairs(MESSAGES)) {
			expect((id as string).match("^[A-Z][A-Z0-9_]*$")[0]).toBe(id);
			expect(template.size() > 0).toBe(true);
		}
	});
});
