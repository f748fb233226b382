// Test doubles for core/platform.ts: a clock specs advance by hand, a scheduler driven by that
// clock (threads are plain coroutines), an HTTP client that records requests and answers from a
// script, a recording log output, and seeded randomness. JSON is the harness's HttpService, so
// encoding quirks ({} -> [], errors on cycles) are the engine's.

import { HttpService } from "@rbxts/services";
import { Logger } from "../../core/Logger";
import {
	Cancel,
	Clock,
	HttpClient,
	HttpRequest,
	HttpResult,
	Json,
	LogLevel,
	LogOutput,
	Platform,
	RandomSource,
	Scheduler,
} from "../../core/platform";

/** 2026-01-02T03:04:05.678Z */
export const FAKE_START_MILLIS = 1767323045678;

export class FakeClock implements Clock {
	private elapsedSeconds = 0;

	constructor(private readonly startMillis = FAKE_START_MILLIS) {}

	nowMillis() {
		return this.startMillis + math.floor(this.elapsedSeconds * 1000 + 0.5);
	}

	monotonicSeconds() {
		return 1000 + this.elapsedSeconds;
	}

	/** Seconds since the fake started. */
	elapsed() {
		return this.elapsedSeconds;
	}

	/** Moves time without running timers; FakeScheduler.advance is what specs normally call. */
	set(elapsedSeconds: number) {
		this.elapsedSeconds = elapsedSeconds;
	}
}

interface Timer {
	at: number;
	order: number;
	run: () => void;
	isCancelled: boolean;
}

/** Runs delayed functions and resumes waiting threads when the spec advances the clock. */
export class FakeScheduler implements Scheduler {
	/** Errors raised inside fake threads, in order. */
	readonly errors = new Array<string>();
	private timers = new Array<Timer>();
	private nextOrder = 0;
	private readonly ownThreads = new Set<thread>();

	constructor(readonly clock: FakeClock) {}

	delay(seconds: number, fn: () => void): Cancel {
		const timer = this.addTimer(seconds, () => this.spawn(fn));
		return () => {
			timer.isCancelled = true;
		};
	}

	spawn(fn: () => void) {
		const thread = coroutine.create(fn);
		this.ownThreads.add(thread);
		this.resume(thread);
	}

	wait(seconds: number) {
		const thread = coroutine.running();
		assert(this.ownThreads.has(thread), "FakeScheduler.wait called outside a fake thread");
		this.addTimer(seconds, () => this.resume(thread));
		coroutine.yield();
	}

	/** Moves the clock forward, running every timer that falls due, in time order. */
	advance(seconds: number) {
		const target = this.clock.elapsed() + seconds;
		while (true) {
			const timer = this.nextDue(target);
			if (timer === undefined) break;
			this.clock.set(math.max(this.clock.elapsed(), timer.at));
			timer.run();
		}
		this.clock.set(target);
		if (this.errors.size() > 0) error(`a fake thread raised: ${this.errors[0]}`);
	}

	/** Timers not yet run or cancelled. */
	pendingTimers(): number {
		return this.timers.filter((timer) => !timer.isCancelled).size();
	}

	private addTimer(seconds: number, run: () => void): Timer {
		const timer: Timer = {
			at: this.clock.elapsed() + math.max(0, seconds),
			order: this.nextOrder++,
			run,
			isCancelled: false,
		};
		this.timers.push(timer);
		return timer;
	}

	private nextDue(target: number): Timer | undefined {
		let best: Timer | undefined;
		let bestIndex = -1;
		this.timers.forEach((timer, index) => {
			if (timer.isCancelled || timer.at > target) return;
			if (best === undefined || timer.at < best.at || (timer.at === best.at && timer.order < best.order)) {
				best = timer;
				bestIndex = index;
			}
		});
		if (best !== undefined) this.timers.remove(bestIndex);
		this.timers = this.timers.filter((timer) => !timer.isCancelled);
		return best;
	}

	private resume(thread: thread) {
		const [ok, message] = coroutine.resume(thread);
		if (!ok) this.errors.push(tostring(message));
		if (coroutine.status(thread) === "dead") this.ownThreads.delete(thread);
	}
}

/** A scripted answer: a response, or a thrown engine error; optionally after a delay. */
export type ScriptedAnswer =
	| { status: number; headers?: Record<string, string>; body?: string; afterSeconds?: number }
	| { error: string; afterSeconds?: number };

function isScriptedError(answer: ScriptedAnswer): answer is { error: string; afterSeconds?: number } {
	return (answer as { error?: string }).error !== undefined;
}

export interface RecordedRequest {
	request: HttpRequest;
	/** Clock seconds (since the fake started) when the request was made. */
	at: number;
}

/** Records every request; answers from `script` in order, then with `fallback` (200 by default). */
export class RecordingHttpClient implements HttpClient {
	readonly requests = new Array<RecordedRequest>();
	private readonly script = new Array<ScriptedAnswer>();
	fallback: ScriptedAnswer = { status: 200, body: '{"status":1}' };

	constructor(private readonly scheduler: FakeScheduler) {}

	/** Queues answers for the next requests. */
	answer(...answers: Array<ScriptedAnswer>) {
		for (const answer of answers) this.script.push(answer);
	}

	request(request: HttpRequest): HttpResult {
		this.requests.push({ request, at: this.scheduler.clock.elapsed() });
		const answer = this.script.size() > 0 ? this.script.shift()! : this.fallback;
		if (answer.afterSeconds !== undefined && answer.afterSeconds > 0) this.scheduler.wait(answer.afterSeconds);
		if (isScriptedError(answer)) return { kind: "error", message: answer.error };
		return { kind: "response", status: answer.status, headers: answer.headers ?? {}, body: answer.body ?? "" };
	}

	/** The decoded body of request `index` (0-based). */
	body(index: number): BatchBody {
		return HttpService.JSONDecode(this.requests[index].request.body!) as BatchBody;
	}

	/** The uuids of the events in request `index`, in order. */
	uuids(index: number): Array<string> {
		return this.body(index).batch.map((event) => event.uuid);
	}
}

export interface BatchBody {
	api_key: string;
	batch: Array<{
		event: string;
		distinct_id: string;
		properties?: Record<string, unknown>;
		timestamp: string;
		uuid: string;
	}>;
	sent_at: string;
	historical_migration?: boolean;
}

export class RecordingLogOutput implements LogOutput {
	readonly lines = new Array<{ level: Exclude<LogLevel, "none">; line: string }>();

	write(level: Exclude<LogLevel, "none">, line: string) {
		this.lines.push({ level, line });
	}

	/** Lines written at `level`. */
	at(level: Exclude<LogLevel, "none">): Array<string> {
		return this.lines.filter((entry) => entry.level === level).map((entry) => entry.line);
	}

	/** Lines containing `text` (plain find). */
	containing(text: string): Array<string> {
		return this.lines.filter((entry) => entry.line.find(text, 1, true)[0] !== undefined).map((e) => e.line);
	}
}

/** Deterministic randomness: GUIDs count up; nextNumber cycles through `numbers`. */
export class SeededRandom implements RandomSource {
	private guidCount = 0;
	private numberIndex = 0;

	constructor(public numbers: Array<number> = [0.5]) {}

	generateGuid() {
		this.guidCount += 1;
		const hex = string.format("%032x", this.guidCount * 2654435761);
		return `${hex.sub(1, 8)}-${hex.sub(9, 12)}-4${hex.sub(14, 16)}-a${hex.sub(18, 20)}-${hex.sub(21, 32)}`;
	}

	nextNumber() {
		const value = this.numbers[this.numberIndex % this.numbers.size()];
		this.numberIndex += 1;
		return value;
	}
}

export const harnessJson: Json = {
	encode(value) {
		return HttpService.JSONEncode(value);
	},
	decode(text) {
		return HttpService.JSONDecode(text);
	},
};

export interface FakePlatform extends Platform {
	clock: FakeClock;
	scheduler: FakeScheduler;
	http: RecordingHttpClient;
	random: SeededRandom;
	logOutput: RecordingLogOutput;
	/** A Logger over logOutput at `debug`, so specs see every line. */
	logger: Logger;
}

export function fakePlatform(): FakePlatform {
	const clock = new FakeClock();
	const scheduler = new FakeScheduler(clock);
	const logOutput = new RecordingLogOutput();
	return {
		clock,
		scheduler,
		http: new RecordingHttpClient(scheduler),
		json: harnessJson,
		random: new SeededRandom(),
		logOutput,
		logger: new Logger(logOutput, "debug", clock),
	};
}
