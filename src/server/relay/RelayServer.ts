// The server relay (roblox-sdk-docs "The client relay"): turns what clients fire at
// ReplicatedStorage.PostHogRelay into events, treating every client as hostile. Per fire:
//   player still in the game? -> acceptClientEnvelope (per-player token bucket, 1 token per message,
//   then schema and caps) -> rejections counted per player -> each accepted message dispatched:
//     capture   -> the event, attributed to the firing player
//     screen    -> $screen with $screen_name
//     exception -> ErrorTracking.captureClientError (debounced per player there)
//     context   -> LifecycleCapture.onClientContext ($device_type, player_left's platform)
//     idle      -> LifecycleCapture.onClientIdle (player_idle)
// Events always carry the firing player's distinct id, session and context: ServerRuntime.capture
// adds them after the client's properties, which have no "$" keys (refused by validation) and lose
// any key the server registered as a super property. So a client never chooses the distinct id,
// $set, $groups, the session, the timestamp or the library properties.
// The handler never yields and never raises (everything runs under pcall; failures are counted and
// logged, throttled); the only work it causes beyond validation is queueing rate-limited events.

import { RateLimiter } from "../../core/relay/RateLimiter";
import { acceptClientEnvelope } from "../../core/relay/acceptClientEnvelope";
import { relayRateLimit } from "../../core/relay/limits";
import { ClientMessage, ClientProperties, RELAY_REMOTE_NAME } from "../../core/relay/messageSchemas";
import { RejectionCounter } from "../../core/relay/RejectionCounter";
import { isInGame } from "../../engine/playerFacts";
import { RelayRemote } from "../../engine/RelayRemote";
import { KnownSubject, ServerRuntime } from "../ServerRuntime";

/** What the relay did since it started: for diagnostics, specs and the benchmark. */
export interface RelayStats {
	/** Fires received (from players in the game). */
	fires: number;
	/** Messages that became events or reached a hook. */
	accepted: number;
	/** Messages dropped (invalid, rate-limited), plus malformed fires counted once each. */
	rejected: number;
	/** Unexpected failures inside the relay (bugs): each dropped what it was handling. */
	internalErrors: number;
}

export class RelayServer {
	private readonly limiter: RateLimiter<Player>;
	private readonly rejections: RejectionCounter<Player>;
	private remote?: RelayRemote;
	private readonly stats: RelayStats = { fires: 0, accepted: 0, rejected: 0, internalErrors: 0 };

	constructor(private readonly runtime: ServerRuntime) {
		const clock = runtime.platform.clock;
		this.limiter = new RateLimiter<Player>(clock, relayRateLimit(runtime.config.clientRateLimitPerSecond));
		this.rejections = new RejectionCounter<Player>(clock, runtime.logger);
	}

	/** Creates the RemoteEvent and starts handling fires. */
	start() {
		if (this.remote !== undefined) return;
		this.remote = new RelayRemote((player, envelope, hasExtra) => this.onFire(player, envelope, hasExtra));
		this.runtime.logger.debug("CLIENT_RELAY_STARTED", {
			name: RELAY_REMOTE_NAME,
			rate: this.runtime.config.clientRateLimitPerSecond,
		});
	}

	/** Destroys the RemoteEvent; clients buffer until a new one appears. */
	stop() {
		this.remote?.destroy();
		this.remote = undefined;
	}

	/** Drops the player's bucket and counts (they left). */
	forgetPlayer(player: Player) {
		this.limiter.forget(player);
		this.rejections.forget(player);
	}

	/** A copy of the counters. */
	getStats(): RelayStats {
		return { ...this.stats };
	}

	/** One FireServer: never yields, never raises. */
	onFire(player: Player, envelope: unknown, hasExtraArguments: boolean) {
		const [ok, err] = pcall(() => this.handleFire(player, envelope, hasExtraArguments));
		if (!ok) this.internalError(player, err);
	}

	private handleFire(player: Player, envelope: unknown, hasExtraArguments: boolean) {
		// A fire that arrives after the player left would recreate their bucket: nothing to attribute it to.
		if (!isInGame(player)) return;
		this.stats.fires += 1;
		if (hasExtraArguments) {
			this.reject(player, ["envelope_shape"]);
			return;
		}
		const result = acceptClientEnvelope(envelope, {
			sender: player,
			limiter: this.limiter,
			maxPropertyCount: this.runtime.config.maxClientPropertyCount,
		});
		if (result.error !== undefined) this.stats.internalErrors += 1;
		this.stats.rejected += result.rejected.size();
		if (result.rejected.size() > 0 || result.error !== undefined) {
			this.rejections.record(player, player.Name, result.rejected, result.error);
		}
		if (result.accepted.size() === 0) return;
		const subject: KnownSubject = { kind: "player", distinctId: tostring(player.UserId), player };
		for (const message of result.accepted) {
			const [ok, err] = pcall(() => this.dispatch(player, subject, message));
			if (ok) this.stats.accepted += 1;
			else this.internalError(player, err);
		}
	}

	private dispatch(player: Player, subject: KnownSubject, message: ClientMessage) {
		const runtime = this.runtime;
		switch (message.kind) {
			case "capture":
				runtime.capture(subject, message.name, this.ownProperties(message.properties));
				return;
			case "screen":
				runtime.capture(subject, "$screen", this.ownProperties(message.properties), {
					sdkProperties: { $screen_name: message.name },
				});
				return;
			case "exception":
				runtime.errors?.captureClientError(player, {
					message: message.message,
					trace: message.trace,
					errorType: message.errorType,
					handled: message.handled,
					properties: this.ownProperties(message.properties),
				});
				return;
			case "context":
				runtime.lifecycle?.onClientContext(player, { deviceType: message.deviceType, platform: message.platform });
				return;
			case "idle":
				runtime.lifecycle?.onClientIdle(player, message.seconds);
				return;
		}
	}

	/**
	 * The client's properties without the keys the server registered (super properties): what the
	 * server says about every event wins over what a client claims. Validation already refused "$" keys.
	 */
	private ownProperties(properties: ClientProperties | undefined): ClientProperties | undefined {
		if (properties === undefined) return undefined;
		const registered = this.runtime.superProperties;
		if (next(registered)[0] === undefined) return properties;
		for (const [key] of pairs(properties)) {
			if (registered[key] !== undefined) delete properties[key];
		}
		return properties;
	}

	private reject(player: Player, reasons: Parameters<RejectionCounter<Player>["record"]>[2]) {
		this.stats.rejected += reasons.size();
		this.rejections.record(player, player.Name, reasons);
	}

	private internalError(player: Player, err: unknown) {
		this.stats.internalErrors += 1;
		const [, name] = pcall(() => player.Name);
		this.runtime.logger.throttled("error", "CLIENT_RELAY_HANDLER_ERROR", {
			player: tostring(name),
			error: tostring(err),
		});
	}
}
