// Builders for relay specs: wire messages with sensible defaults, envelopes, big tables, a limiter
// with the documented defaults, and a seeded generator for fuzz specs (Park-Miller, so a failing
// seed reproduces on any machine).

import { CONFIG_DEFAULTS } from "../../core/config/PostHogConfig";
import { relayRateLimit, WIRE_VERSION } from "../../core/relay/limits";
import { WireCapture, WireContext, WireException, WireIdle, WireScreen } from "../../core/relay/messageSchemas";
import { RateLimiter } from "../../core/relay/RateLimiter";
import { FakeClock } from "./fakePlatform";

export function aWireCapture(overrides: Partial<Record<keyof WireCapture, unknown>> = {}): WireCapture {
	return { k: "c", n: "level_completed", p: { level: 3, hard: true, mode: "solo" }, ...overrides } as WireCapture;
}

export function aWireScreen(overrides: Partial<Record<keyof WireScreen, unknown>> = {}): WireScreen {
	return { k: "s", n: "Shop", ...overrides } as WireScreen;
}

export function aWireException(overrides: Partial<Record<keyof WireException, unknown>> = {}): WireException {
	return {
		k: "e",
		m: "Players.Alice.PlayerScripts.Gun:12: attempt to index nil with 'Ammo'",
		t: "Players.Alice.PlayerScripts.Gun:12 function fire\nPlayers.Alice.PlayerScripts.Gun:40",
		h: false,
		...overrides,
	} as WireException;
}

export function aWireContext(overrides: Partial<Record<keyof WireContext, unknown>> = {}): WireContext {
	return { k: "x", d: "Mobile", o: "Phone", i: "Touch", ...overrides } as WireContext;
}

export function aWireIdle(overrides: Partial<Record<keyof WireIdle, unknown>> = {}): WireIdle {
	return { k: "i", s: 120, ...overrides } as WireIdle;
}

/** `{ v = 1, m = messages }`. */
export function anEnvelope(...messages: Array<unknown>): { v: number; m: Array<unknown> } {
	return { v: WIRE_VERSION, m: messages };
}

/** A table with `count` string keys "k1".."kN" mapped to `value`. */
export function tableWithKeys(count: number, value: unknown = true): Record<string, unknown> {
	const result: Record<string, unknown> = {};
	for (let index = 1; index <= count; index++) result[`k${index}`] = value;
	return result;
}

/** A RateLimiter keyed by player name with the server's settings for `perSecond` (default: config default). */
export function aLimiter(clock: FakeClock, perSecond = CONFIG_DEFAULTS.clientRateLimitPerSecond): RateLimiter<string> {
	return new RateLimiter<string>(clock, relayRateLimit(perSecond));
}

// Luau's newproxy, missing from @rbxts/types.
declare const newproxy: (addMetatable?: boolean) => object;

/** A userdata that is not an Instance: what a hostile client's unknown datatypes look like here. */
export function aUserdata(withMetatable = false): object {
	return newproxy(withMetatable);
}

/** Real seconds `work` takes (in the harness, os.clock follows the wall clock even within a step). */
export function measureRealSeconds(work: () => void): number {
	const started = os.clock();
	work();
	return os.clock() - started;
}

/** Moves the fake clock forward without running timers. */
export function advance(clock: FakeClock, seconds: number) {
	clock.set(clock.elapsed() + seconds);
}

/** Deterministic pseudo-random numbers (Park-Miller minimal standard; products stay below 2^53). */
export class SeededGenerator {
	private state: number;

	constructor(seed: number) {
		this.state = (math.floor(math.abs(seed)) % 2147483646) + 1;
	}

	/** A number in [0, 1). */
	next(): number {
		this.state = (this.state * 48271) % 2147483647;
		return (this.state - 1) / 2147483646;
	}

	/** An integer in [min, max]. */
	int(min: number, max: number): number {
		return min + math.floor(this.next() * (max - min + 1));
	}

	chance(probability: number): boolean {
		return this.next() < probability;
	}

	pick<T>(items: ReadonlyArray<T>): T {
		return items[this.int(0, items.size() - 1)];
	}
}
