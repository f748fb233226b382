// PostHog:Capture's fourth argument (CaptureOptions): a caller-supplied timestamp, sent in UTC
// (posthog-sdk-test-harness non_utc_event_timestamp_is_converted_to_utc).
import { describe, expect, it } from "@rbxts/jest-globals";
import { linesWith, useServerSpec } from "../support/serverSpec";

describe("PostHog:Capture options", () => {
	const spec = useServerSpec();

	function sentTimestamp(): string | undefined {
		spec.PostHog.Flush();
		spec.world.runFor(1);
		return spec.delivered()[0]?.timestamp;
	}

	it("sends a timestamp with a UTC offset as the same instant in UTC", () => {
		spec.init();
		spec.PostHog.Capture(
			"user-1",
			"clicked",
			{ timestamp_like: "2025-01-02T08:34:05+05:30" },
			{
				timestamp: "2025-01-02T08:34:05+05:30",
			},
		);
		expect(sentTimestamp()).toBe("2025-01-02T03:04:05.000Z");
		expect(spec.delivered()[0].properties?.timestamp_like).toBe("2025-01-02T08:34:05+05:30");
	});

	it("keeps milliseconds and reads a string without an offset as UTC", () => {
		spec.init();
		spec.PostHog.Capture("user-1", "clicked", undefined, { timestamp: "2025-06-30T23:59:59.123" });
		expect(sentTimestamp()).toBe("2025-06-30T23:59:59.123Z");
	});

	it("accepts a DateTime", () => {
		spec.init();
		spec.PostHog.Capture("user-1", "clicked", undefined, { timestamp: DateTime.fromUnixTimestampMillis(1e12) });
		expect(sentTimestamp()).toBe("2001-09-09T01:46:40.000Z");
	});

	it("uses the current time without a timestamp", () => {
		spec.init();
		spec.PostHog.Capture("user-1", "clicked", undefined, {});
		expect(sentTimestamp()).toBe("2026-01-01T00:00:00.000Z");
	});

	it("ignores the call, with a warning, when the timestamp can't be read", () => {
		spec.init();
		spec.PostHog.Capture("user-1", "clicked", undefined, { timestamp: "yesterday" });
		spec.PostHog.Capture("user-1", "clicked", undefined, 5 as never);
		expect(sentTimestamp()).toBeUndefined();
		expect(linesWith(spec.warnings(), "options.timestamp must be a DateTime or an ISO-8601 string").size()).toBe(1);
		expect(linesWith(spec.warnings(), "options must be a table or nil, got number").size()).toBe(1);
	});
});
