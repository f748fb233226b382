import { describe, expect, it } from "@rbxts/jest-globals";
import { normalizeHost } from "../../../core/config/normalizeHost";

describe("normalizeHost", () => {
	const ACCEPTED: Array<[raw: string, normalized: string]> = [
		["https://us.i.posthog.com", "https://us.i.posthog.com"],
		["https://eu.i.posthog.com/", "https://eu.i.posthog.com"],
		["https://eu.i.posthog.com///", "https://eu.i.posthog.com"],
		["eu.i.posthog.com", "https://eu.i.posthog.com"],
		["  https://ph.example.com  ", "https://ph.example.com"],
		["HTTPS://ph.example.com", "https://ph.example.com"],
		["http://localhost:8000", "http://localhost:8000"],
		["localhost:8000", "https://localhost:8000"],
		["http://[::1]:8000/", "http://[::1]:8000"],
		["https://ph.example.com/ingest/", "https://ph.example.com/ingest"],
		["https://app.posthog.com", "https://us.i.posthog.com"],
		["us.posthog.com", "https://us.i.posthog.com"],
		["https://eu.posthog.com/", "https://eu.i.posthog.com"],
	];
	for (const [raw, normalized] of ACCEPTED) {
		it(`turns "${raw}" into "${normalized}"`, () => {
			expect(normalizeHost(raw)).toBe(normalized);
		});
	}

	const REJECTED = [
		"",
		"   ",
		"ftp://example.com",
		"ws://example.com",
		"https://",
		"https:/example.com",
		"https://exa mple.com",
		"https://user@example.com",
	];
	for (const raw of REJECTED) {
		it(`rejects "${raw}"`, () => {
			expect(normalizeHost(raw)).toBeUndefined();
		});
	}
});
