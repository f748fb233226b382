// Thousands of hostile envelopes from a seeded generator: acceptClientEnvelope never raises, every
// message it accepts passes an independent re-validation (written here without the SDK's helpers),
// shares no table with the input, and the per-player rate limit holds. Then the cost per accepted
// and per rejected message, against ceilings (print in the harness emits luau-web noise, so the
// numbers are asserted, not printed).

import { HttpService } from "@rbxts/services";
import { beforeAll, describe, expect, it } from "@rbxts/jest-globals";
import { acceptClientEnvelope, AcceptEnvelopeResult } from "../../../core/relay/acceptClientEnvelope";
import { RateLimiter } from "../../../core/relay/RateLimiter";
import { RejectionReason } from "../../../core/relay/rejectionReasons";
import { ClientMessage } from "../../../core/relay/messageSchemas";
import { FakeClock } from "../../support/fakePlatform";
import { HostileGenerator } from "../../support/hostile";
import {
	advance,
	aLimiter,
	anEnvelope,
	aWireCapture,
	measureRealSeconds,
	SeededGenerator,
	tableWithKeys,
} from "../../support/relay";

const MAX_PROPERTIES = 100;

// ---- Independent re-validation: the rules restated without the SDK's code. ----

/** Strict UTF-8 (RFC 3629) by hand: no overlongs, no surrogates, nothing past U+10FFFF. */
function isStrictUtf8(text: string): boolean {
	let index = 1;
	const size = text.size();
	while (index <= size) {
		const [b0] = text.byte(index);
		if (b0 < 0x80) {
			index += 1;
			continue;
		}
		let length = 4;
		let min = 0x10000;
		let codepoint = b0 % 0x08;
		if (b0 >= 0xc0 && b0 < 0xe0) {
			length = 2;
			min = 0x80;
			codepoint = b0 % 0x20;
		} else if (b0 >= 0xe0 && b0 < 0xf0) {
			length = 3;
			min = 0x800;
			codepoint = b0 % 0x10;
		} else if (!(b0 >= 0xf0 && b0 < 0xf8)) {
			return false;
		}
		for (let offset = 1; offset < length; offset++) {
			const [b] = text.byte(index + offset);
			if (b === undefined || b < 0x80 || b >= 0xc0) return false;
			codepoint = codepoint * 64 + (b % 64);
		}
		if (codepoint < min || codepoint > 0x10ffff || (codepoint >= 0xd800 && codepoint <= 0xdfff)) return false;
		index += length;
	}
	return true;
}

function textProblem(value: unknown, maxBytes: number, isName: boolean): string | undefined {
	if (!typeIs(value, "string")) return "not a string";
	if (value.size() > maxBytes) return "too long";
	if (!isStrictUtf8(value)) return "bad utf-8";
	if (isName) {
		if (value.size() === 0) return "empty";
		if (value.sub(1, 1) === "$") return "reserved";
		for (let index = 1; index <= value.size(); index++) {
			const [byte] = value.byte(index);
			if (byte < 32 || byte === 127) return "control character";
		}
	}
	return undefined;
}

function propertiesProblem(value: unknown): string | undefined {
	if (value === undefined) return undefined;
	if (!typeIs(value, "table") || getmetatable(value) !== undefined) return "properties not a plain table";
	let count = 0;
	for (const [key, entry] of pairs(value as Map<unknown, unknown>)) {
		count += 1;
		if (!typeIs(key, "string") || key.size() === 0 || key.size() > 200 || key.sub(1, 1) === "$") return "bad key";
		if (key === "distinct_id" || key === "token" || key === "api_key") return "server-owned key";
		if (!isStrictUtf8(key)) return "bad key utf-8";
		if (typeIs(entry, "number")) {
			if (entry !== entry || math.abs(entry) === math.huge) return "non-finite value";
		} else if (typeIs(entry, "string")) {
			if (entry.size() > 1000 || !isStrictUtf8(entry)) return "bad string value";
		} else if (!typeIs(entry, "boolean")) {
			return `value of type ${typeOf(entry)}`;
		}
	}
	if (count === 0) return "empty properties kept";
	if (count > MAX_PROPERTIES) return "too many properties";
	return undefined;
}

const FIELDS: Record<string, ReadonlyArray<string>> = {
	capture: ["kind", "name", "properties"],
	screen: ["kind", "name", "properties"],
	exception: ["kind", "message", "trace", "errorType", "handled", "properties"],
	context: ["kind", "deviceType", "platform", "input"],
	idle: ["kind", "seconds"],
};

function independentProblem(message: ClientMessage, inputTables: Set<object>): string | undefined {
	const raw = message as unknown as Record<string, unknown>;
	if (inputTables.has(raw)) return "the message is a client table";
	if (raw.properties !== undefined && inputTables.has(raw.properties as object)) return "properties are a client table";
	const fields = FIELDS[message.kind];
	if (fields === undefined) return "unknown kind";
	for (const [key] of pairs(raw)) if (!fields.includes(key)) return `unexpected field ${key}`;
	switch (message.kind) {
		case "capture":
		case "screen":
			return textProblem(message.name, 200, true) ?? propertiesProblem(message.properties);
		case "exception": {
			if (message.message.size() === 0) return "empty exception message";
			if (!typeIs(message.handled, "boolean")) return "handled not boolean";
			return (
				textProblem(message.message, 1000, false) ??
				(message.trace === undefined ? undefined : textProblem(message.trace, 8000, false)) ??
				(message.errorType === undefined ? undefined : textProblem(message.errorType, 200, false)) ??
				propertiesProblem(message.properties)
			);
		}
		case "context":
			if (!["Desktop", "Mobile", "Console", "VR"].includes(message.deviceType)) return "device type";
			if (!["PC", "Phone", "Tablet", "Console", "VR"].includes(message.platform)) return "platform";
			if (!["KeyboardAndMouse", "Touch", "Gamepad", "Unknown"].includes(message.input)) return "input";
			return undefined;
		case "idle":
			if (!typeIs(message.seconds, "number") || message.seconds !== message.seconds) return "seconds";
			return message.seconds >= 0 && message.seconds <= 7 * 86400 ? undefined : "seconds range";
	}
}

const FIRE_LEVEL_REASONS = new Set<RejectionReason>([
	"envelope_not_table",
	"envelope_shape",
	"envelope_version",
	"envelope_too_many_messages",
]);

/** Messages that got past the rate limiter in one result. */
function chargedMessages(result: AcceptEnvelopeResult): number {
	if (result.accepted.size() === 0 && result.rejected.size() === 1 && FIRE_LEVEL_REASONS.has(result.rejected[0])) {
		return 0;
	}
	return result.accepted.size() + result.rejected.filter((reason) => reason !== "rate_limited").size();
}

describe("acceptClientEnvelope under fuzzing", () => {
	const SEEDS = [1, 7, 2024];
	const ENVELOPES_PER_SEED = 1500;
	const PLAYERS = ["alice", "bob", "carol"];
	const SECONDS_PER_ENVELOPE = 0.01;

	for (const seed of SEEDS) {
		describe(`with seed ${seed}`, () => {
			const throws = new Array<string>();
			const problems = new Array<string>();
			const charged = new Map<string, number>();
			const reasons = new Map<RejectionReason, number>();
			let accepted = 0;
			let unencodable = 0;

			/** Calls acceptClientEnvelope inside pcall; records a throw, returns the result otherwise. */
			function tryAccept(envelope: unknown, sender: string, limiter: RateLimiter<string>) {
				const [ok, result] = pcall(() =>
					acceptClientEnvelope(envelope, { sender, limiter, maxPropertyCount: MAX_PROPERTIES }),
				);
				if (ok) return result;
				throws.push(tostring(result));
				return undefined;
			}

			beforeAll(() => {
				const clock = new FakeClock();
				const limiter = aLimiter(clock, 20);
				// Validation is fuzzed without a rate limit too, so that every message is examined.
				const unlimited = new RateLimiter<string>(clock, { ratePerSecond: 0, burst: math.huge });
				const random = new SeededGenerator(seed);
				const hostile = new HostileGenerator(random, MAX_PROPERTIES);
				for (let index = 1; index <= ENVELOPES_PER_SEED; index++) {
					advance(clock, SECONDS_PER_ENVELOPE);
					const player = random.pick(PLAYERS);
					const envelope = hostile.envelope();

					const limited = tryAccept(envelope, player, limiter);
					if (limited !== undefined) charged.set(player, (charged.get(player) ?? 0) + chargedMessages(limited));

					const result = tryAccept(envelope, player, unlimited);
					if (result === undefined) continue;
					for (const reason of result.rejected) reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
					for (const message of result.accepted) {
						accepted += 1;
						const problem = independentProblem(message, hostile.tables);
						if (problem !== undefined) problems.push(`${problem}: ${HttpService.JSONEncode(message)}`);
						if (!pcall(() => HttpService.JSONEncode(message))[0]) unencodable += 1;
					}
				}
			});

			it("never raises", () => {
				expect(throws).toEqual([]);
				expect(reasons.get("internal_error")).toBeUndefined();
			});

			it("accepts only messages that pass an independent re-validation", () => {
				expect(problems).toEqual([]);
				expect(unencodable).toBe(0);
				expect(accepted).toBeGreaterThan(1000);
			});

			it("rejects with most reasons", () => {
				expect(reasons.size()).toBeGreaterThan(24);
			});

			it("holds each player's rate limit: at most burst + rate x time, and within 5% of it under a flood", () => {
				const bound = 20 + 20 * ENVELOPES_PER_SEED * SECONDS_PER_ENVELOPE;
				for (const player of PLAYERS) {
					const count = charged.get(player) ?? 0;
					expect(count).toBeLessThan(bound + 1);
					expect(count).toBeGreaterThan(bound * 0.95);
				}
			});
		});
	}
});

describe("acceptClientEnvelope cost", () => {
	/** Real microseconds per message over `rounds` fires of `envelope`. */
	function microsecondsPerMessage(envelope: unknown, limiter: RateLimiter<string>, rounds: number, perFire: number) {
		const options = { sender: "p", limiter, maxPropertyCount: MAX_PROPERTIES };
		const seconds = measureRealSeconds(() => {
			for (let round = 1; round <= rounds; round++) acceptClientEnvelope(envelope, options);
		});
		return (seconds / (rounds * perFire)) * 1e6;
	}

	function unlimited(): RateLimiter<string> {
		return new RateLimiter<string>(new FakeClock(), { ratePerSecond: 0, burst: math.huge });
	}

	const PROPERTIES = { level: 3, hard: true, mode: "solo", score: 1234.5, map: "Desert", team: "red" };

	function eightOf(make: (index: number) => unknown) {
		const messages = new Array<defined>();
		for (let index = 1; index <= 8; index++) messages.push(make(index) as defined);
		return anEnvelope(...messages);
	}

	// Ceilings are ~20x what a laptop measures: they catch a regression to O(table size), not noise.
	it("accepts a capture with 6 properties in under 200 us", () => {
		const valid = eightOf((index) => aWireCapture({ n: `event_${index}`, p: PROPERTIES }));
		expect(microsecondsPerMessage(valid, unlimited(), 2000, 8)).toBeLessThan(200);
	});

	it("rejects hostile messages (1,100 properties, $ names, a NaN last value) in under 200 us", () => {
		const hostile = eightOf((index) =>
			index % 3 === 0
				? aWireCapture({ p: tableWithKeys(MAX_PROPERTIES + 1_000) })
				: index % 3 === 1
					? aWireCapture({ n: "$identify" })
					: aWireCapture({ p: { ...PROPERTIES, bad: 0 / 0 } }),
		);
		expect(microsecondsPerMessage(hostile, unlimited(), 2000, 8)).toBeLessThan(200);
	});

	it("rejects rate-limited messages in under 50 us", () => {
		const valid = eightOf((index) => aWireCapture({ n: `event_${index}`, p: PROPERTIES }));
		expect(microsecondsPerMessage(valid, aLimiter(new FakeClock(), 0), 2000, 8)).toBeLessThan(50);
	});

	it("rejects a fire of 100,000 messages in under 200 us", () => {
		expect(microsecondsPerMessage({ v: 1, m: table.create(100_000, 1) }, unlimited(), 2000, 1)).toBeLessThan(200);
	});
});
