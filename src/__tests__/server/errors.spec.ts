// Error tracking end to end (roblox-sdk-docs "Error tracking"; posthog-protocol.md §11; platform.md
// §5; peers.md §9 items 14–15): unhandled server errors from the emulator's ScriptContext.Error,
// client errors handed over by the relay, and manual CaptureException, as `$exception` events the
// fake PostHog receives. The trace parsers' every format is unit-tested in core/errors; here the
// server path gets the emulator's real (current) traces, and the client path the three formats.
import { describe, expect, it } from "@rbxts/jest-globals";
import { CapturedEvent } from "../support/fakePostHog";
import { named, props, reportClientError, runtimeOf } from "../support/sdkInternals";
import { linesWith, useServerSpec } from "../support/serverSpec";

interface Frame {
	function: string;
	filename: string;
	lineno: number;
	in_app: boolean;
	platform: string;
	lang: string;
}

interface Entry {
	type: string;
	value: string;
	mechanism: { type: string; handled: boolean; synthetic?: boolean; exception_id: number };
	stacktrace?: { type: string; frames: Frame[] };
}

function entryOf(event: CapturedEvent): Entry {
	const list = props(event).$exception_list as Entry[];
	expect(list.size()).toBe(1);
	return list[0];
}

/** "function@filename:line" of each frame, outermost first. */
function framesOf(event: CapturedEvent): string[] {
	return (entryOf(event).stacktrace?.frames ?? []).map(
		(frame) => `${frame.function}@${frame.filename}:${frame.lineno}`,
	);
}

const UUIDV7 = "^%x%x%x%x%x%x%x%x%-%x%x%x%x%-7";

describe("error tracking", () => {
	const spec = useServerSpec();

	function init(overrides?: Record<string, unknown>) {
		spec.init({ captureErrors: true, ...overrides });
	}

	function send() {
		spec.PostHog.Flush();
		spec.world.runFor(1);
	}

	function exceptions(): CapturedEvent[] {
		return named(spec.delivered(), "$exception");
	}

	function onlyException(): CapturedEvent {
		const all = exceptions();
		expect(all.size()).toBe(1);
		return all[0];
	}

	/** Runs Luau source as a server Script named `name` (in ServerScriptService). */
	function runServerScript(name: string, lines: string[]) {
		spec.server.runSource(lines.join("\n"), name);
	}

	describe("unhandled server errors (ScriptContext.Error)", () => {
		it("become $exception events of the server, with the trace's frames outermost first", () => {
			init();
			runServerScript("Combat", [
				"local function applyDamage(target)", // 1
				"\treturn target.Humanoid.Health", // 2
				"end", // 3
				"local function onHit()", // 4
				"\tapplyDamage(nil)", // 5
				"end", // 6
				"task.spawn(function()", // 7
				"\tonHit()", // 8
				"end)", // 9
			]);
			send();
			const event = onlyException();
			expect(event.distinct_id).toBe("server");
			const p = props(event);
			expect(p.$exception_level).toBe("error");
			expect(p.$exception_source).toBe("roblox.script_context");
			expect(p.$session_id).toMatch(UUIDV7);
			expect(p.$os).toBe("Roblox");
			const entry = entryOf(event);
			expect(entry.type).toBe("Error");
			expect(entry.value).toBe("attempt to index nil with 'Humanoid'");
			expect(entry.mechanism).toEqual({
				type: "onuncaughtexception",
				handled: false,
				synthetic: false,
				exception_id: 0,
			});
			expect(framesOf(event)).toEqual([
				"?@ServerScriptService.Combat:8",
				"onHit@ServerScriptService.Combat:5",
				"applyDamage@ServerScriptService.Combat:2",
			]);
			const frame = entry.stacktrace!.frames[0];
			expect([frame.in_app, frame.platform, frame.lang]).toEqual([true, "custom", "luau"]);
		});

		it("keep the frames of errors raised without a location and in top-level code", () => {
			init();
			runServerScript("Boot", ['local config = { mode = "classic" }', 'error("DataStoreError: budget exhausted", 0)']);
			send();
			const entry = entryOf(onlyException());
			expect(entry.type).toBe("DataStoreError");
			expect(entry.value).toBe("budget exhausted");
			expect(framesOf(onlyException())).toEqual(["?@ServerScriptService.Boot:2"]);
		});

		it("are not captured when captureErrors is off", () => {
			init({ captureErrors: false });
			runServerScript("Combat", ['error("boom")']);
			send();
			expect(spec.server.errors.size()).toBe(1);
			expect(exceptions().size()).toBe(0);
		});

		it("are debounced per fingerprint: two different errors in the same instant are both sent", () => {
			init();
			runServerScript("Round", [
				'task.spawn(function() error("first problem") end)',
				'task.spawn(function() error("second problem") end)',
				'task.spawn(function() error("first problem") end)',
			]);
			send();
			const values = exceptions().map((event) => entryOf(event).value);
			expect(values).toEqual(["first problem", "second problem", "first problem"]);
		});

		it("send an error raised in a loop once per errorDebounceSeconds, with the suppressed count", () => {
			init();
			runServerScript("Loop", [
				"for entity = 1, 9 do", // errors at 0, 0.25 ... 2 s
				'\ttask.spawn(function() error("tick failed for entity " .. entity) end)',
				"\ttask.wait(0.25)",
				"end",
			]);
			spec.world.runFor(2.5);
			send();
			const sent = exceptions();
			expect(sent.map((event) => entryOf(event).value)).toEqual([
				"tick failed for entity 1",
				"tick failed for entity 5",
				"tick failed for entity 9",
			]);
			expect(sent.map((event) => props(event).suppressed_count)).toEqual([undefined, 3, 3]);
		});

		it("send every error when errorDebounceSeconds is 0", () => {
			init({ errorDebounceSeconds: 0 });
			runServerScript("Loop", [
				"for entity = 1, 5 do",
				'\ttask.spawn(function() error("tick failed for entity " .. entity) end)',
				"\ttask.wait(0.25)",
				"end",
			]);
			spec.world.runFor(1.5);
			send();
			expect(exceptions().size()).toBe(5);
		});
	});

	describe("errors of the SDK itself", () => {
		it("are never captured, and the handler keeps capturing the game's errors", () => {
			init();
			runServerScript("UsesInternals", [
				'local sdk = game:GetService("ReplicatedStorage"):WaitForChild("PostHog")',
				"local ErrorDebouncer = require(sdk.core.errors.ErrorDebouncer).ErrorDebouncer",
				'ErrorDebouncer.new(nil, 1):admit("broken")',
			]);
			spec.world.runFor(0.5);
			runServerScript("Game", ['error("game error")']);
			send();
			expect(spec.server.errors.size()).toBe(2);
			expect(exceptions().map((event) => entryOf(event).value)).toEqual(["game error"]);
		});

		it("raised while an error is being captured are logged once, not raised again", () => {
			init();
			const queue = runtimeOf(spec.PostHog).queue as unknown as { enqueue: () => never };
			queue.enqueue = () => error("queue broke");
			runServerScript("Game", ['task.spawn(function() error("first") end)', 'error("second")']);
			spec.world.runFor(1);
			expect(spec.server.errors.size()).toBe(2);
			const failures = linesWith(spec.warnings(), "capturing an error as $exception");
			expect(failures.size()).toBe(1);
			expect(failures[0]).toContain("queue broke");
		});
	});

	describe("client errors (from the relay)", () => {
		const traces: Array<[string, string]> = [
			[
				"current",
				[
					"Players.Ana.PlayerScripts.Gun:12 function fire",
					"Players.Ana.PlayerScripts.Input:40 function onClick",
					"Players.Ana.PlayerScripts.Input:55",
				].join("\n"),
			],
			[
				"legacy Output",
				[
					"Stack Begin",
					"Script 'Players.Ana.PlayerScripts.Gun', Line 12 - function fire",
					"Script 'Players.Ana.PlayerScripts.Input', Line 40 - function onClick",
					"Script 'Players.Ana.PlayerScripts.Input', Line 55",
					"Stack End",
				].join("\n"),
			],
			[
				"legacy ScriptContext",
				[
					"Players.Ana.PlayerScripts.Gun, line 12 - function fire",
					"Players.Ana.PlayerScripts.Input, line 40 - function onClick",
					"Players.Ana.PlayerScripts.Input, line 55",
				].join("\n"),
			],
		];
		for (const [format, trace] of traces) {
			it(`are attributed to their player, with the frames of a ${format} trace`, () => {
				init();
				const client = spec.world.joinPlayer({ userId: 501, name: "Ana" });
				spec.world.runFor(0.5);
				reportClientError(spec.PostHog, client.player, {
					message: "Players.Ana.PlayerScripts.Gun:12: attempt to index nil with 'Ammo'",
					trace,
					handled: false,
				});
				send();
				const event = onlyException();
				expect(event.distinct_id).toBe("501");
				const p = props(event);
				expect(p.$exception_source).toBe("roblox.script_context");
				expect(p.$session_id).toMatch(UUIDV7);
				expect(p.$session_id).toBe(runtimeOf(spec.PostHog).sessions.getPlayerSession(501)!.id);
				expect(entryOf(event).mechanism.handled).toBe(false);
				expect(entryOf(event).value).toBe("attempt to index nil with 'Ammo'");
				expect(framesOf(event)).toEqual([
					"?@Players.Ana.PlayerScripts.Input:55",
					"onClick@Players.Ana.PlayerScripts.Input:40",
					"fire@Players.Ana.PlayerScripts.Gun:12",
				]);
			});
		}

		it("are debounced per player and fingerprint", () => {
			init();
			const [ana, bo] = [spec.world.joinPlayer({ userId: 501 }), spec.world.joinPlayer({ userId: 502 })];
			spec.world.runFor(0.5);
			const report = { message: "Gun:12: out of ammo", handled: false };
			reportClientError(spec.PostHog, ana.player, report);
			reportClientError(spec.PostHog, ana.player, report);
			reportClientError(spec.PostHog, bo.player, report);
			reportClientError(spec.PostHog, ana.player, { message: "Gun:30: jammed", handled: false });
			send();
			expect(exceptions().map((event) => `${event.distinct_id} ${entryOf(event).value}`)).toEqual([
				"501 out of ammo",
				"502 out of ammo",
				"501 jammed",
			]);
		});

		it("reported by the client's CaptureException are handled and never debounced, even with captureErrors off", () => {
			init({ captureErrors: false });
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			const report = {
				message: "shop failed to load",
				errorType: "ShopError",
				handled: true,
				properties: { screen: "shop", $exception_list: "forged" },
			};
			reportClientError(spec.PostHog, client.player, report);
			reportClientError(spec.PostHog, client.player, report);
			reportClientError(spec.PostHog, client.player, { message: "unhandled", handled: false });
			send();
			const sent = exceptions();
			expect(sent.size()).toBe(2);
			const entry = entryOf(sent[0]);
			expect(entry.type).toBe("ShopError");
			expect(entry.mechanism.type).toBe("generic");
			expect(entry.mechanism.handled).toBe(true);
			expect(props(sent[0]).$exception_source).toBe(undefined);
			expect(props(sent[0]).screen).toBe("shop");
		});

		it("are dropped once the player left", () => {
			init();
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			spec.world.removePlayer(client);
			spec.world.runFor(0.5);
			reportClientError(spec.PostHog, client.player, { message: "late", handled: false });
			send();
			expect(exceptions().size()).toBe(0);
		});
	});

	describe("PostHog:CaptureException", () => {
		it("sends a handled error with its trace and the caller's properties, which cannot override the SDK's", () => {
			init({ captureErrors: false });
			runServerScript("Loader", [
				'local PostHog = require(game:GetService("ReplicatedStorage"):WaitForChild("PostHog"))', // 1
				"local function loadWorld()", // 2
				'\tlocal ok, err = pcall(function() error("world file missing") end)', // 3
				"\tif not ok then", // 4
				"\t\tPostHog:CaptureException(nil, err, debug.traceback(), {", // 5
				'\t\t\tcontext = "load_world",',
				'\t\t\t["$exception_list"] = "forged",',
				'\t\t\t["$exception_source"] = "forged",',
				'\t\t\t["$exception_level"] = "debug",',
				"\t\t})",
				"\tend",
				"end",
				"loadWorld()", // 13
			]);
			send();
			const event = onlyException();
			const p = props(event);
			expect(p.context).toBe("load_world");
			expect(p.$exception_level).toBe("error");
			expect(p.$exception_source).toBe(undefined);
			const entry = entryOf(event);
			expect(entry.value).toBe("world file missing");
			expect(entry.mechanism).toEqual({ type: "generic", handled: true, exception_id: 0 });
			expect(framesOf(event)).toEqual(["?@ServerScriptService.Loader:13", "loadWorld@ServerScriptService.Loader:5"]);
		});

		it("takes the one frame of a message's location when given no trace", () => {
			init();
			const client = spec.world.joinPlayer({ userId: 501 });
			spec.world.runFor(0.5);
			spec.PostHog.CaptureException(client.player, "ServerScriptService.Shop:12: purchase failed");
			send();
			const event = onlyException();
			expect(event.distinct_id).toBe("501");
			expect(props(event).$session_id).toMatch(UUIDV7);
			expect(framesOf(event)).toEqual(["?@ServerScriptService.Shop:12"]);
			expect(entryOf(event).mechanism.synthetic).toBe(undefined);
		});

		it("reads the calling stack, without the SDK's frames, when there is neither trace nor location", () => {
			init();
			runServerScript("Reporter", [
				'local PostHog = require(game:GetService("ReplicatedStorage"):WaitForChild("PostHog"))',
				"local function report()",
				'\tPostHog:CaptureException(nil, "Something went wrong")',
				"end",
				"report()",
			]);
			send();
			const event = onlyException();
			expect(framesOf(event)).toEqual(["?@ServerScriptService.Reporter:5", "report@ServerScriptService.Reporter:3"]);
			expect(entryOf(event).mechanism.synthetic).toBe(true);
			expect(entryOf(event).value).toBe("Something went wrong");
		});

		it("accepts the structured form, with or without a trace argument", () => {
			init();
			spec.PostHog.CaptureException(
				undefined,
				{
					type: "DataStoreError",
					message: "request was throttled",
					trace: "ServerScriptService.Save:8 function save\nServerScriptService.Save:20",
				},
				{ attempt: 3 },
			);
			spec.PostHog.CaptureException(
				undefined,
				{ message: "ServerScriptService.Save:8: request was throttled" },
				"ServerScriptService.Save:8 function save",
				{ attempt: 4 },
			);
			send();
			const [first, second] = exceptions();
			expect(entryOf(first).type).toBe("DataStoreError");
			expect(entryOf(first).value).toBe("request was throttled");
			expect(framesOf(first)).toEqual(["?@ServerScriptService.Save:20", "save@ServerScriptService.Save:8"]);
			expect(props(first).attempt).toBe(3);
			expect(entryOf(second).type).toBe("Error");
			expect(framesOf(second)).toEqual(["save@ServerScriptService.Save:8"]);
			expect(props(second).attempt).toBe(4);
		});

		it("is never debounced", () => {
			init();
			for (let i = 0; i < 3; i++)
				spec.PostHog.CaptureException(undefined, "ServerScriptService.Shop:12: purchase failed");
			send();
			expect(exceptions().size()).toBe(3);
		});

		it("ignores a call without an error, with a warning", () => {
			init();
			spec.PostHog.CaptureException(undefined, undefined as never);
			spec.PostHog.CaptureException(undefined, "boom", 42 as never);
			send();
			expect(exceptions().size()).toBe(0);
			expect(linesWith(spec.warnings(), "PostHog:CaptureException").size()).toBe(2);
		});
	});
});
