import { describe, expect, it } from "@rbxts/jest-globals";
import { ENVELOPE_OVERHEAD_BYTES } from "../../../core/relay/estimateMessageBytes";
import {
	CLIENT_MAX_FIRES_PER_SECOND,
	MAX_ENVELOPE_BYTES,
	MAX_ERROR_TYPE_BYTES,
	MAX_EXCEPTION_MESSAGE_BYTES,
	MAX_EXCEPTION_TRACE_BYTES,
	MAX_MESSAGE_BYTES,
} from "../../../core/relay/limits";
import { REJECTION_REASONS } from "../../../core/relay/rejectionReasons";

describe("relay limits", () => {
	it("let the largest message travel alone in an envelope", () => {
		expect(MAX_MESSAGE_BYTES + ENVELOPE_OVERHEAD_BYTES).toBeLessThan(MAX_ENVELOPE_BYTES + 1);
	});

	it("let an exception at every text cap fit in a message", () => {
		const texts = MAX_EXCEPTION_MESSAGE_BYTES + MAX_EXCEPTION_TRACE_BYTES + MAX_ERROR_TYPE_BYTES;
		expect(texts + 100).toBeLessThan(MAX_MESSAGE_BYTES);
	});

	it("keep a client under Roblox's ~50 KB/s per player at full speed", () => {
		expect(MAX_ENVELOPE_BYTES * CLIENT_MAX_FIRES_PER_SECOND).toBeLessThan(50_000);
	});
});

describe("REJECTION_REASONS", () => {
	it("lists each reason once, in snake_case", () => {
		const seen = new Set<string>();
		for (const reason of REJECTION_REASONS) {
			expect(seen.has(reason)).toBe(false);
			expect(reason.match("^[a-z][a-z0-9_]*$")[0]).toBe(reason);
			seen.add(reason);
		}
	});
});
