// Hostile property values never break a batch: each case is captured between two ordinary events and
// all three must reach PostHog in one accepted request (platform.md §1.6). An oversized event is
// dropped alone, with a warning.
import { describe, expect, it } from "@rbxts/jest-globals";
import { CapturedEvent } from "../support/fakePostHog";
import { linesWith, useServerSpec } from "../support/serverSpec";

type Props = Record<string, unknown>;

const INVALID_UTF8 = "ok" + string.char(0xff, 0xfe) + "end";
const REPLACEMENT = utf8.char(0xfffd);

function props(event: CapturedEvent): Props {
	return event.properties ?? {};
}

/** A table nested `levels` deep: { child = { child = ... { leaf = true } } }. */
function nested(levels: number): Props {
	let value: Props = { leaf: true };
	for (let i = 1; i < levels; i++) value = { child: value };
	return value;
}

/** How many tables deep `value` goes along `child` before it ends. */
function depthOf(value: unknown): number {
	let depth = 0;
	let current = value;
	while (typeIs(current, "table")) {
		depth += 1;
		current = (current as Props).child;
	}
	return depth;
}

describe("hostile property values", () => {
	const spec = useServerSpec({ shared: true });

	/** Captures `before`, then `hostile` with `properties`, then `after`; sends; returns the hostile event. */
	function sendBetween(properties: Props): CapturedEvent {
		spec.init();
		spec.PostHog.Capture("user-1", "before");
		spec.PostHog.Capture("user-1", "hostile", properties);
		spec.PostHog.Capture("user-1", "after");
		spec.PostHog.Flush();
		spec.world.runFor(1);
		const requests = spec.batchRequests();
		expect(requests.size()).toBe(1);
		expect(requests[0].status).toBe(200);
		expect(spec.deliveredNames()).toEqual(["before", "hostile", "after"]);
		return spec.delivered()[1];
	}

	const numbers: Array<[string, number, string]> = [
		["NaN", 0 / 0, "NaN"],
		["infinity", math.huge, "Infinity"],
		["negative infinity", -math.huge, "-Infinity"],
	];
	for (const [what, value, sent] of numbers) {
		it(`sends ${what} as the string "${sent}"`, () => {
			expect(props(sendBetween({ value })).value).toBe(sent);
		});
	}

	it("replaces invalid UTF-8 bytes in a value with U+FFFD", () => {
		expect(props(sendBetween({ text: INVALID_UTF8 })).text).toBe("ok" + REPLACEMENT + REPLACEMENT + "end");
	});

	it("replaces invalid UTF-8 bytes in a key with U+FFFD", () => {
		const properties: Props = {};
		properties[INVALID_UTF8] = 1;
		expect(props(sendBetween(properties))["ok" + REPLACEMENT + REPLACEMENT + "end"]).toBe(1);
	});

	it("replaces invalid UTF-8 bytes in the event name with U+FFFD", () => {
		spec.init();
		spec.PostHog.Capture("user-1", "bad" + string.char(0xc0));
		spec.PostHog.Flush();
		spec.world.runFor(1);
		expect(spec.deliveredNames()).toEqual(["bad" + REPLACEMENT]);
	});

	it("cuts a table that contains itself at the repeat", () => {
		const loop: Props = { name: "loop" };
		loop.self = loop;
		const sent = props(sendBetween({ loop })).loop as Props;
		expect(sent.name).toBe("loop");
		expect(sent.self).toBe(undefined);
	});

	it("keeps a table that appears twice without a cycle", () => {
		const shared = { x: 1 };
		const sent = props(sendBetween({ a: shared, b: shared }));
		expect(sent.a).toEqual({ x: 1 });
		expect(sent.b).toEqual({ x: 1 });
	});

	it("drops tables nested deeper than ten levels", () => {
		const sent = props(sendBetween({ deep: nested(40) }));
		const depth = depthOf(sent.deep);
		expect(depth >= 1).toBe(true);
		expect(depth <= 10).toBe(true);
	});

	it("sends an Instance as its full name", () => {
		spec.server.runSource(`
local map = workspace:FindFirstChild("Map") or Instance.new("Folder")
map.Name = "Map"
map.Parent = workspace
local pad = Instance.new("Folder")
pad.Name = "SpawnPad"
pad.Parent = map
_G.part = pad`);
		expect(props(sendBetween({ where: spec.server.G.part })).where).toBe("Workspace.Map.SpawnPad");
	});

	it("sends an EnumItem as its name", () => {
		spec.server.runSource(`_G.enumItem = Enum.HttpCompression.Gzip`);
		expect(props(sendBetween({ mode: spec.server.G.enumItem })).mode).toBe("Enum.HttpCompression.Gzip");
	});

	it("drops functions", () => {
		const sent = props(sendBetween({ callback: () => 1, kept: "yes" }));
		expect(sent.callback).toBe(undefined);
		expect(sent.kept).toBe("yes");
	});

	it("drops threads", () => {
		const sent = props(sendBetween({ worker: coroutine.create(() => undefined), kept: "yes" }));
		expect(sent.worker).toBe(undefined);
		expect(sent.kept).toBe("yes");
	});

	it("sends a mixed table as an object with string keys", () => {
		const mixed = { 1: "first", 2: "second", label: "x" } as unknown as Props;
		expect(props(sendBetween({ mixed })).mixed).toEqual({ "1": "first", "2": "second", label: "x" });
	});

	it("sends a sparse array as an object with string keys", () => {
		const sparse = { 1: "a", 3: "c" } as unknown as Props;
		expect(props(sendBetween({ sparse })).sparse).toEqual({ "1": "a", "3": "c" });
	});

	it("sends a sequence as an array", () => {
		expect(props(sendBetween({ list: [1, 2, 3] })).list).toEqual([1, 2, 3]);
	});

	it("sends non-string keys as strings", () => {
		const keyed = new Map<unknown, unknown>([
			[true, "yes"],
			[2.5, "half"],
		]) as unknown as Props;
		expect(props(sendBetween({ keyed })).keyed).toEqual({ true: "yes", "2.5": "half" });
	});

	it("drops table keys", () => {
		const keyed = new Map<unknown, unknown>([
			[{}, "gone"],
			["kept", 1],
		]) as unknown as Props;
		expect(props(sendBetween({ keyed })).keyed).toEqual({ kept: 1 });
	});

	it("sanitizes $set and $set_once of Identify the same way", () => {
		spec.init();
		spec.PostHog.Identify("user-1", { score: 0 / 0, fn: () => 1 }, { first: math.huge });
		spec.PostHog.Flush();
		spec.world.runFor(1);
		const event = spec.delivered()[0];
		expect(props(event).$set).toEqual({ score: "NaN" });
		expect(props(event).$set_once).toEqual({ first: "Infinity" });
	});

	it("sanitizes registered super properties", () => {
		spec.init();
		spec.PostHog.Register("ratio", 0 / 0);
		spec.PostHog.Capture("user-1", "clicked");
		spec.PostHog.Flush();
		spec.world.runFor(1);
		expect(props(spec.delivered()[0]).ratio).toBe("NaN");
	});

	it("sends every hostile value at once in one accepted batch", () => {
		const loop: Props = {};
		loop.self = loop;
		const hostile = {
			nan: 0 / 0,
			inf: math.huge,
			text: INVALID_UTF8,
			loop,
			deep: nested(50),
			fn: () => 1,
			mixed: { 1: "a", b: 2 },
		} as unknown as Props;
		const sent = props(sendBetween(hostile));
		expect(sent.nan).toBe("NaN");
		expect(sent.fn).toBe(undefined);
	});

	describe("size", () => {
		it("drops an event over 900 KiB and sends the others", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "before");
			spec.PostHog.Capture("user-1", "huge", { blob: string.rep("x", 901 * 1024) });
			spec.PostHog.Capture("user-1", "after");
			spec.PostHog.Flush();
			spec.world.runFor(1);
			expect(spec.deliveredNames()).toEqual(["before", "after"]);
		});

		it("warns with the event's name and size when it drops an event over 900 KiB", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "huge", { blob: string.rep("x", 901 * 1024) });
			const lines = linesWith(spec.warnings(), '"huge"');
			expect(lines.size()).toBe(1);
			expect(lines[0]).toContain(tostring(900 * 1024));
		});

		// Only the warning is checked: reading a ~1 MB body back from the fake overflows luau-web's
		// 1 MiB stack for values returned from JS.
		it("keeps an event just under 900 KiB without a warning", () => {
			spec.init();
			spec.PostHog.Capture("user-1", "large", { blob: string.rep("x", 899 * 1024) });
			expect(linesWith(spec.warnings(), '"large"').size()).toBe(0);
		});
	});
});
