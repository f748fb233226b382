// The client's end of the relay: finds the server's RemoteEvent (ReplicatedStorage.PostHogRelay) and
// fires the envelopes core/relay/ClientOutbox packs, at most a few times a second whatever the capture
// rate. Until the RemoteEvent exists the outbox holds a bounded number of messages, and the transport
// keeps watching ReplicatedStorage (ChildAdded: no polling, no give-up): a server that initializes
// late, or restarts the relay after Shutdown, still gets them. Each time it finds a RemoteEvent it
// first fires the hello message alone (the device context), so the server knows the device before
// the buffered events arrive, and again after a restart that forgot it. If the RemoteEvent is missing
// for CLIENT_RELAY_NOTICE_SECONDS it says so once, at info level (the server SDK is not running, or
// runs with enableClientRelay = false). Never yields; never raises into the game.

import { ReplicatedStorage } from "@rbxts/services";
import { Logger } from "../core/Logger";
import { Clock } from "../core/platform";
import { ClientOutbox } from "../core/relay/ClientOutbox";
import { CLIENT_MAX_BUFFERED_MESSAGES, CLIENT_RELAY_NOTICE_SECONDS, WIRE_VERSION } from "../core/relay/limits";
import { ClientEnvelope, ClientMessage, encodeClientMessage, RELAY_REMOTE_NAME } from "../core/relay/messageSchemas";
import { RejectionReason } from "../core/relay/rejectionReasons";

const NOT_FOUND_KEY = "CLIENT_RELAY_NOT_FOUND";

export class ClientRelayTransport {
	private readonly outbox: ClientOutbox;
	private remote?: RemoteEvent;
	private readonly remoteConnections = new Array<RBXScriptConnection>();
	private isTimerPending = false;
	private isStarted = false;
	/** Drops already reported (droppedCount at the last report). */
	private reportedDrops = 0;

	constructor(
		clock: Clock,
		private readonly logger: Logger,
		/** Fired alone, first, on every RemoteEvent found. */
		private readonly hello: ClientMessage,
	) {
		this.outbox = new ClientOutbox(clock);
	}

	/** Starts watching for the RemoteEvent. Call once. */
	start() {
		if (this.isStarted) return;
		this.isStarted = true;
		ReplicatedStorage.ChildAdded.Connect((child) => this.consider(child));
		this.findRemote();
		this.scheduleNotice();
	}

	/**
	 * Buffers `message` for the next fire, or returns why the server would refuse it (nothing is
	 * buffered then). Never yields.
	 */
	send(message: ClientMessage): RejectionReason | undefined {
		const refused = this.outbox.push(message);
		if (refused !== undefined) return refused;
		this.reportDrops();
		this.schedule();
		return undefined;
	}

	private findRemote() {
		const existing = ReplicatedStorage.FindFirstChild(RELAY_REMOTE_NAME);
		if (existing !== undefined) this.consider(existing);
	}

	private consider(child: Instance) {
		if (this.remote !== undefined) return;
		if (child.Name !== RELAY_REMOTE_NAME || !child.IsA("RemoteEvent")) return;
		this.remote = child;
		this.remoteConnections.push(
			child.AncestryChanged.Connect(() => {
				if (child.Parent !== ReplicatedStorage) this.lost(child);
			}),
		);
		this.logger.resetOnce(NOT_FOUND_KEY);
		this.logger.debug("CLIENT_RELAY_FOUND", { name: RELAY_REMOTE_NAME, count: this.outbox.size() });
		const hello: ClientEnvelope = { v: WIRE_VERSION, m: [encodeClientMessage(this.hello)] };
		this.fireEnvelope(child, hello);
		this.schedule();
	}

	/** The RemoteEvent was removed (the server SDK shut down): buffer again until a new one appears. */
	private lost(remote: RemoteEvent) {
		if (this.remote !== remote) return;
		for (const connection of this.remoteConnections) connection.Disconnect();
		this.remoteConnections.clear();
		this.remote = undefined;
		this.findRemote();
		if (this.remote === undefined) this.scheduleNotice();
	}

	private scheduleNotice() {
		task.delay(CLIENT_RELAY_NOTICE_SECONDS, () => {
			if (this.remote !== undefined) return;
			this.logger.once("info", NOT_FOUND_KEY, {
				name: RELAY_REMOTE_NAME,
				seconds: CLIENT_RELAY_NOTICE_SECONDS,
				limit: CLIENT_MAX_BUFFERED_MESSAGES,
			});
		});
	}

	private schedule() {
		if (this.remote === undefined || this.isTimerPending) return;
		const wait = this.outbox.secondsUntilNextFire();
		if (wait === undefined) return;
		this.isTimerPending = true;
		// Even with no wait, the fire happens after this frame's other captures: they share it.
		task.delay(wait, () => {
			this.isTimerPending = false;
			this.fire();
		});
	}

	private fire() {
		const remote = this.remote;
		if (remote === undefined) return;
		const envelope = this.outbox.takeEnvelope();
		if (envelope !== undefined) this.fireEnvelope(remote, envelope);
		this.schedule();
	}

	private fireEnvelope(remote: RemoteEvent, envelope: ClientEnvelope) {
		const [ok, err] = pcall(() => remote.FireServer(envelope));
		if (!ok) this.logger.throttled("warn", "API_INTERNAL_ERROR", { method: "relay", error: tostring(err) });
	}

	/** Buffer overflows are worth a warning only while connected: before that, the notice explains them. */
	private reportDrops() {
		const dropped = this.outbox.droppedCount();
		const fresh = dropped - this.reportedDrops;
		this.reportedDrops = dropped;
		if (fresh === 0 || this.remote === undefined) return;
		this.logger.throttled("warn", "CLIENT_BUFFER_FULL", { count: fresh, limit: CLIENT_MAX_BUFFERED_MESSAGES });
	}
}
