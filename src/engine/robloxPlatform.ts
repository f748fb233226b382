// The one door from core/ to the engine: builds the Platform that pure modules run on from task,
// DateTime, os.clock and HttpService. Nothing else in the SDK reads the clock or sends HTTP.

import { HttpService, RunService } from "@rbxts/services";
import { Cancel, HttpRequest, HttpResult, LogOutput, Platform } from "../core/platform";
import { createRobloxStorage } from "./robloxStorage";

// @rbxts/types' RequestAsyncRequest lacks Timeout, which RequestAsync accepts.
type RequestAsyncOptions = RequestAsyncRequest & { Timeout?: number };

function request(req: HttpRequest): HttpResult {
	const options: RequestAsyncOptions = {
		Url: req.url,
		Method: req.method,
		Headers: req.headers,
		Body: req.body,
		Compress: req.gzip ? Enum.HttpCompression.Gzip : Enum.HttpCompression.None,
		Timeout: req.timeoutSeconds,
	};
	// Transport failures (timeouts, HTTP disabled, the 500/min limit) are thrown, not returned.
	const [ok, response] = pcall(() => HttpService.RequestAsync(options));
	if (!ok) return { kind: "error", message: tostring(response) };
	return { kind: "response", status: response.StatusCode, headers: response.Headers, body: response.Body };
}

const robloxLogOutput: LogOutput = {
	write(level, line) {
		if (level === "warn" || level === "error") warn(line);
		else print(line);
	},
};

export function createRobloxPlatform(): Platform {
	const random = new Random();
	return {
		clock: {
			nowMillis() {
				return DateTime.now().UnixTimestampMillis;
			},
			monotonicSeconds() {
				return os.clock();
			},
		},
		scheduler: {
			delay(seconds, fn): Cancel {
				let done = false;
				const thread = task.delay(seconds, () => {
					done = true;
					fn();
				});
				return () => {
					if (done) return;
					done = true;
					task.cancel(thread);
				};
			},
			spawn(fn) {
				task.spawn(fn);
			},
			wait(seconds) {
				task.wait(seconds);
			},
		},
		http: {
			request(req) {
				return request(req);
			},
		},
		json: {
			encode(value) {
				return HttpService.JSONEncode(value);
			},
			decode(text) {
				return HttpService.JSONDecode(text);
			},
		},
		random: {
			generateGuid() {
				return HttpService.GenerateGUID(false);
			},
			nextNumber() {
				return random.NextNumber();
			},
		},
		logOutput: robloxLogOutput,
		storage: RunService.IsServer() ? createRobloxStorage() : undefined,
	};
}
