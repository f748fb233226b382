// A seeded generator of hostile relay input: strings (empty, "$" names, over every cap, invalid
// UTF-8, control characters), non-finite numbers, userdata, functions, cyclic and metatable tables,
// huge arrays and key counts, and messages and envelopes mutated from valid ones (spoofed fields,
// wrong kinds and types). It remembers every table it made, so specs can check none leaks through.

import { SeededGenerator, tableWithKeys, aUserdata } from "./relay";

// Made once: creating (and collecting) thousands of userdata makes luau-web print to stdout.
const USERDATA = [aUserdata(), aUserdata(true)];
const OPAQUE_VALUES: Array<unknown> = [() => 1, coroutine.create(() => {}), buffer.create(8), ...USERDATA];

export interface HostileOptions {
	/** Join the opaque values, e.g. Instances a client can see, for fuzzing through a real RemoteEvent. */
	extraValues?: ReadonlyArray<unknown>;
	/** Scales the huge strings, arrays and key counts (never below the cap they exceed). @default 1 */
	hugeScale?: number;
}

/** Builds hostile values; remembers every table it made so specs can check none leaks through. */
export class HostileGenerator {
	readonly tables = new Set<object>();

	private readonly extraValues: ReadonlyArray<unknown>;
	private readonly hugeScale: number;

	/** `maxProperties` is the property cap the tables are sized around. */
	constructor(
		private readonly random: SeededGenerator,
		private readonly maxProperties: number,
		options: HostileOptions = {},
	) {
		this.extraValues = options.extraValues ?? [];
		this.hugeScale = options.hugeScale ?? 1;
	}

	/** A "huge" size: `size` scaled, never below `atLeast`. */
	private huge(size: number, atLeast: number): number {
		return math.max(atLeast, math.floor(size * this.hugeScale));
	}

	track<T extends object>(value: T): T {
		this.tables.add(value);
		return value;
	}

	string(): string {
		const r = this.random;
		switch (r.int(1, 14)) {
			case 1:
				return "";
			case 2:
				return "$" + this.shortWord();
			case 3:
				return string.rep("a", r.pick([199, 200, 201, 999, 1000, 1001, 7999, 8000, 8001]));
			case 4:
				return string.rep("x", this.huge(r.int(10_000, 200_000), 8001));
			case 5:
				return this.shortWord() + string.char(r.int(0x80, 0xff)) + this.shortWord();
			case 6:
				return string.char(0xed, 0xa0, 0x80); // surrogate
			case 7:
				return string.char(0xf4, 0x90, 0x80, 0x80); // past U+10FFFF
			case 8:
				return "line\nbreak\0nul" + string.char(r.int(0, 31));
			case 9:
				return string.rep("€", r.int(60, 70)) + string.rep("😀", r.int(0, 3));
			case 10:
				return string.char(0xc3); // cut sequence
			default:
				return this.shortWord();
		}
	}

	/** A plausible name most of the time, so that validation gets past it to the properties. */
	name(): string {
		return this.random.chance(0.6) ? this.shortWord() : this.string();
	}

	shortWord(): string {
		return this.random.pick(["level", "gold", "Shop", "clicked", "x", "k", "n", "p", "m", "v", "c", "s", "e", "i"]);
	}

	number(): number {
		return this.random.pick([0 / 0, math.huge, -math.huge, 0, -0, 1e308, -1, 0.5, 2 ** 53, 1e-300, 42]);
	}

	value(depth: number): unknown {
		const r = this.random;
		switch (r.int(1, 12)) {
			case 1:
				return undefined;
			case 2:
				return r.chance(0.5);
			case 3:
			case 4:
				return this.number();
			case 5:
			case 6:
			case 7:
				return this.string();
			case 8:
				return r.pick(USERDATA);
			case 9:
				return this.extraValues.size() > 0 && r.chance(0.5) ? r.pick(this.extraValues) : r.pick(OPAQUE_VALUES);
			default:
				return depth > 3 ? {} : this.table(depth + 1);
		}
	}

	key(): unknown {
		const r = this.random;
		switch (r.int(1, 8)) {
			case 1:
				return r.int(-2, 5);
			case 2:
				return r.chance(0.5);
			case 3:
				return 1.5;
			case 4:
				return r.pick(USERDATA);
			case 5:
				return this.track({});
			default:
				return this.string();
		}
	}

	table(depth: number): object {
		const r = this.random;
		const result = this.track(new Map<unknown, unknown>());
		switch (r.int(1, 8)) {
			case 1: {
				// An array, sometimes long.
				const length = r.chance(0.1) ? this.huge(r.int(1000, 5000), 100) : r.int(0, 10);
				for (let index = 1; index <= length; index++) result.set(index, this.number());
				return result;
			}
			case 2: {
				// Many string keys: around the property cap, or far past it.
				const count = r.pick([
					this.maxProperties,
					this.maxProperties + 1,
					this.huge(1000, this.maxProperties + 1),
					this.huge(5000, this.maxProperties + 1),
				]);
				return this.track(tableWithKeys(count, r.chance(0.5) ? 1 : "v"));
			}
			case 3:
				result.set("self", result);
				return result;
			case 4:
				return this.track(setmetatable({}, { __index: () => error("metatable read") }));
			default: {
				const count = r.int(0, 6);
				for (let index = 1; index <= count; index++) {
					const key = this.key();
					const entry = this.value(depth);
					pcall(() => {
						result.set(key, entry);
					});
				}
				return result;
			}
		}
	}

	/** Plausible properties: mostly fine, with one hostile entry now and then. */
	properties(): object {
		const r = this.random;
		if (r.chance(0.2)) return this.table(1);
		const result: Record<string, unknown> = this.track({});
		const count = r.int(0, 8);
		for (let index = 1; index <= count; index++)
			result[`${this.shortWord()}${index}`] = r.pick<unknown>([1, true, "v"]);
		if (r.chance(0.6)) {
			const key = this.key();
			const entry = this.value(2);
			pcall(() => {
				(result as unknown as Map<unknown, unknown>).set(key, entry);
			});
		}
		return result;
	}

	message(): unknown {
		const r = this.random;
		if (r.chance(0.05)) return this.value(1);
		const base: Record<string, unknown> = this.track(
			r.pick<() => Record<string, unknown>>([
				() => ({ k: "c", n: this.name(), p: r.chance(0.7) ? this.properties() : undefined }),
				() => ({ k: "s", n: this.name(), p: r.chance(0.5) ? this.properties() : undefined }),
				() => ({
					k: "e",
					m: this.name(),
					t: r.chance(0.7) ? this.name() : undefined,
					y: r.chance(0.3) ? this.name() : undefined,
					h: r.chance(0.5),
					p: r.chance(0.3) ? this.properties() : undefined,
				}),
				() => ({
					k: "x",
					d: r.pick<unknown>(["Desktop", "Mobile", "Console", "VR", "Fridge", 1]),
					o: r.pick<unknown>(["PC", "Phone", "Tablet", "Console", "VR", "Windows"]),
					i: r.pick<unknown>(["KeyboardAndMouse", "Touch", "Gamepad", "Unknown", "Mind"]),
				}),
				() => ({ k: "i", s: r.chance(0.5) ? r.int(0, 1_000_000) : this.number() }),
			])(),
		);
		// Mutations: a spoofed or unknown field, a wrong type, a missing field, a wrong kind.
		if (r.chance(0.15)) {
			const key = r.pick<unknown>(["distinct_id", "$set", "timestamp", "uuid", "session", 1, this.key()]);
			const entry = this.value(1);
			pcall(() => {
				(base as unknown as Map<unknown, unknown>).set(key, entry);
			});
		}
		if (r.chance(0.15)) base[r.pick(["n", "p", "m", "t", "h", "s", "d"])] = this.value(1);
		if (r.chance(0.05)) base.k = r.pick<unknown>(["capture", "C", 1, undefined, this.string()]);
		return base;
	}

	envelope(): unknown {
		const r = this.random;
		const roll = r.next();
		if (roll < 0.05) return this.value(0);
		const count = r.chance(0.05) ? r.int(33, 100) : r.int(0, 12);
		const messages = this.track(new Array<defined>());
		for (let index = 1; index <= count; index++) messages.push(this.message() as defined);
		const envelope: Record<string, unknown> = this.track({ v: 1, m: messages });
		if (roll < 0.1) envelope.v = r.pick<unknown>([0, 2, 0 / 0, "1", undefined]);
		else if (roll < 0.15) envelope.m = this.value(1);
		else if (roll < 0.18) envelope.extra = true;
		else if (roll < 0.2) (messages as unknown as Map<unknown, unknown>).set(r.pick<unknown>([0, 50, "x", 1.5]), {});
		return envelope;
	}
}
