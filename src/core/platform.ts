// The engine contract: everything core/ needs from the world, and nothing else.
// engine/robloxPlatform.ts implements it with task, DateTime, os.clock and HttpService;
// specs implement it with __tests__/support/fakePlatform.ts. Core never reaches past it.

import type { ExperienceStorage } from "./storage";

/** Stops a delayed callback. Calling it after the callback ran, or twice, does nothing. */
export type Cancel = () => void;

export interface Clock {
	/** Wall-clock time as unix milliseconds (DateTime.now().UnixTimestampMillis on Roblox). */
	nowMillis(): number;
	/** Monotonic seconds from an arbitrary origin (os.clock on Roblox); use for intervals. */
	monotonicSeconds(): number;
}

export interface Scheduler {
	/** Runs `fn` in a new thread after `seconds`; `fn` may yield. */
	delay(seconds: number, fn: () => void): Cancel;
	/** Runs `fn` in a new thread now (task.spawn); `fn` may yield. */
	spawn(fn: () => void): void;
	/** Yields the calling thread for `seconds`. Only call it from a thread that may yield. */
	wait(seconds: number): void;
}

export type HttpMethod = "GET" | "POST";

export interface HttpRequest {
	url: string;
	method: HttpMethod;
	/** Lowercase header names (HTTP/2 requires them). */
	headers: Record<string, string>;
	body?: string;
	/** Gzip the body (RequestAsync `Compress = Gzip`); the engine sets `content-encoding` if Roblox does not. */
	gzip: boolean;
	/** Request timeout in whole seconds, >= 1. */
	timeoutSeconds: number;
}

export type HttpResult =
	| {
			kind: "response";
			status: number;
			/** Header names are lowercase. */
			headers: Record<string, string>;
			body: string;
	  }
	| {
			kind: "error";
			/** The engine's thrown message, e.g. "HttpError: Timedout", "Number of requests exceeded limit". */
			message: string;
	  };

export interface HttpClient {
	/** Sends one request. YIELDS the calling thread until the response or a transport error; never throws. */
	request(request: HttpRequest): HttpResult;
}

export interface Json {
	/** Encodes like HttpService:JSONEncode: throws on cycles and invalid UTF-8, turns `{}` into `[]`. */
	encode(value: unknown): string;
	/** Decodes like HttpService:JSONDecode: throws on invalid JSON. */
	decode(text: string): unknown;
}

export interface RandomSource {
	/** A random v4 GUID, lowercase or uppercase hex, with or without dashes (HttpService:GenerateGUID(false)). */
	generateGuid(): string;
	/** A uniform number in [0, 1). */
	nextNumber(): number;
}

export type LogLevel = "debug" | "info" | "warn" | "error" | "none";

export interface LogOutput {
	/** Writes one finished line (already prefixed and filtered by level). */
	write(level: Exclude<LogLevel, "none">, line: string): void;
}

/** Everything core needs, built once by the engine layer. */
export interface Platform {
	clock: Clock;
	scheduler: Scheduler;
	http: HttpClient;
	json: Json;
	random: RandomSource;
	logOutput: LogOutput;
	/** Storage shared by the experience's servers; undefined where there is none (clients). */
	storage?: ExperienceStorage;
}
