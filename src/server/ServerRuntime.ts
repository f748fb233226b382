// Everything the server SDK runs once Init succeeded: config, platform, logger, the event queue, the
// per-subject states and the server's context. PostHogServer checks arguments and delegates here;
// this is where a call becomes a queued event.

import { PostHogConfig } from "../core/config/PostHogConfig";
import { buildEvent, ServerInfo } from "../core/events/buildEvent";
import { SanitizeOptions } from "../core/events/sanitizeProperties";
import { UuidV7Generator } from "../core/events/UuidV7Generator";
import { DurableDelivery } from "../core/delivery/DurableDelivery";
import { EventQueue } from "../core/delivery/EventQueue";
import { SpillStore } from "../core/delivery/SpillStore";
import { RequestBudget } from "../core/delivery/RequestBudget";
import { Logger } from "../core/Logger";
import { Platform } from "../core/platform";
import { projectTag } from "../core/projectTag";
import { SessionRegistry } from "../core/sessions/SessionRegistry";
import { SDK_VERSION } from "../version";
import type { ErrorTracking } from "./errors/ErrorTracking";
import type { FlagsService } from "./flags/FlagsService";
import type { LifecycleCapture } from "./lifecycle/LifecycleCapture";
import { ResolvedSubject } from "./resolveSubject";
import { SubjectState, SubjectStates } from "./SubjectStates";

export const LIB_NAME = "posthog-rbx";

/** How long stored events wait for a server to send them: 7 days (MemoryStore allows 45). */
const SPILL_RETENTION_SECONDS = 7 * 24 * 3600;

export type KnownSubject = Exclude<ResolvedSubject, { kind: "invalid" }>;

export interface CaptureExtras {
	set?: unknown;
	setOnce?: unknown;
	/** SDK-owned properties that win over the caller's (e.g. $screen_name, $group_type). */
	sdkProperties?: Record<string, unknown>;
	/** Once everything is merged, keep only these properties (minimal `$feature_flag_called` events). */
	keepOnly?: ReadonlySet<string>;
	/** When the event happened, unix milliseconds; default now. */
	timestampMillis?: number;
}

export class ServerRuntime {
	readonly logger: Logger;
	readonly queue: EventQueue;
	readonly budget: RequestBudget;
	readonly states = new SubjectStates();
	readonly uuids: UuidV7Generator;
	readonly sanitize: SanitizeOptions;
	/** The server's session and one per connected player. */
	readonly sessions: SessionRegistry;
	/**
	 * Sessions and lifecycle events; set by PostHogServer.Init. The client relay reports idle
	 * (onClientIdle) and device context (onClientContext) here.
	 */
	lifecycle?: LifecycleCapture;
	/** Error tracking; set by PostHogServer.Init. The client relay hands client errors to captureClientError. */
	errors?: ErrorTracking;
	/** Feature flags; set by PostHogServer.Init. */
	flags?: FlagsService;
	/** Durable delivery, when on (startDurableDelivery). */
	durable?: DurableDelivery;

	constructor(
		readonly config: PostHogConfig,
		readonly platform: Platform,
		readonly server: ServerInfo,
		/** Shared with PostHogServer so Register before Init is kept. */
		readonly superProperties: Record<string, unknown>,
		sanitize: SanitizeOptions,
	) {
		this.sanitize = sanitize;
		this.logger = new Logger(platform.logOutput, config.logLevel, platform.clock);
		this.budget = new RequestBudget(config.maxRequestsPerMinute, platform.clock);
		this.uuids = new UuidV7Generator(platform.clock, platform.random);
		this.sessions = new SessionRegistry(platform.clock, (unixMillis) => this.uuids.next(unixMillis));
		this.queue = new EventQueue(
			{
				apiKey: config.apiKey,
				host: config.host,
				flushAt: config.flushAt,
				flushIntervalSeconds: config.flushIntervalSeconds,
				maxQueueSize: config.maxQueueSize,
				maxBatchSize: config.maxBatchSize,
				maxRetries: config.maxRetries,
				enableCompression: config.enableCompression,
				beforeSend: config.beforeSend,
				sanitize,
			},
			{ platform, logger: this.logger, budget: this.budget },
		);
	}

	/** Starts durable delivery over the platform's experience storage, if it has any. */
	startDurableDelivery() {
		const storage = this.platform.storage;
		if (storage === undefined || this.durable !== undefined) return;
		const platform = this.platform;
		const store = new SpillStore(
			{ tag: projectTag(this.config.host, this.config.apiKey), retentionSeconds: SPILL_RETENTION_SECONDS },
			{ storage, random: platform.random, nowMillis: () => platform.clock.nowMillis() },
		);
		this.durable = new DurableDelivery({
			queue: this.queue,
			store,
			clock: platform.clock,
			scheduler: platform.scheduler,
			logger: this.logger,
			maxQueueSize: this.config.maxQueueSize,
		});
		this.durable.start();
	}

	/**
	 * Sends what is queued within `seconds` (YIELDS); with durable delivery, stores what could not be
	 * sent. Timers stop first.
	 */
	closeDelivery(seconds: number) {
		const durable = this.durable;
		if (durable !== undefined) durable.close(seconds);
		else this.queue.drain(seconds);
	}

	/**
	 * The state to record something about `subject` in (opt-out, groups). A player's is their
	 * connection's (starting their session if the SDK has not seen them join yet); undefined once they
	 * left, so a call about a departed player leaves no state behind.
	 */
	stateToUpdate(subject: KnownSubject): SubjectState | undefined {
		if (subject.kind === "player") return this.lifecycle?.ensurePlayerState(subject.player);
		return this.states.getOrCreate(subject.distinctId, false);
	}

	/** Builds and queues one event for `subject`; returns whether it was queued. Never yields. */
	capture(subject: KnownSubject, event: string, properties: unknown, extras?: CaptureExtras): boolean {
		let state = this.states.get(subject.distinctId);
		// A player captured before the SDK handled their join gets their session now.
		if (subject.kind === "player" && state?.sessionId === undefined) {
			state = this.lifecycle?.ensurePlayerState(subject.player) ?? state;
		}
		if (state?.optedOut) return false;
		const isServerScoped = subject.kind === "server";
		const nowMillis = this.platform.clock.nowMillis();
		const built = buildEvent(
			{
				event,
				distinctId: subject.distinctId,
				properties,
				set: extras?.set,
				setOnce: extras?.setOnce,
				timestampMillis: extras?.timestampMillis ?? nowMillis,
				uuid: this.uuids.next(nowMillis),
			},
			{
				libName: LIB_NAME,
				libVersion: SDK_VERSION,
				personProfiles: this.config.personProfiles,
				isServerScoped,
				superProperties: this.superProperties,
				server: this.server,
				// Roblox exposes no client OS; "Roblox" keeps $os present and honest (the device is $device_type).
				os: state?.os ?? "Roblox",
				deviceType: state?.deviceType ?? (isServerScoped ? "Server" : undefined),
				sessionId: state?.sessionId ?? (isServerScoped ? this.sessions.server.id : undefined),
				groups: state?.groups,
				sanitize: this.sanitize,
				disableGeoip: this.config.disableGeoip,
			},
		);
		if (extras?.sdkProperties !== undefined) {
			for (const [key, value] of pairs(extras.sdkProperties)) built.properties[key] = value;
		}
		const keepOnly = extras?.keepOnly;
		if (keepOnly !== undefined) {
			for (const [key] of pairs(built.properties)) if (!keepOnly.has(key)) delete built.properties[key];
		}
		return this.queue.enqueue(built);
	}
}
