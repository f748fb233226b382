// The SDK's own HTTP budget, so analytics never eats the game's share of Roblox's 500 requests
// per minute per server: at most `perMinute` requests in any 60 s of the monotonic clock (a sliding
// window over the times of the last `perMinute` requests, as Roblox counts its own limit).
// Batches and flag requests both draw from it.

import { Clock } from "../platform";

/** The window the limit applies to, in seconds. */
const WINDOW_SECONDS = 60;

export class RequestBudget {
	/** Times of the last `perMinute` requests, a ring: `next` is the oldest once it is full. */
	private readonly times = new Array<number>();
	private next = 0;

	constructor(
		private readonly perMinute: number,
		private readonly clock: Clock,
	) {}

	/** The configured limit, in requests per minute. */
	getPerMinute(): number {
		return this.perMinute;
	}

	/** Takes one request's worth if available; false means wait (see secondsUntilAvailable). */
	tryTake(): boolean {
		const now = this.clock.monotonicSeconds();
		if (this.secondsUntilAvailableAt(now) > 0) return false;
		if (this.times.size() < this.perMinute) {
			this.times.push(now);
		} else {
			this.times[this.next] = now;
			this.next = (this.next + 1) % this.perMinute;
		}
		return true;
	}

	/** Seconds until tryTake can succeed; 0 when it can now. */
	secondsUntilAvailable(): number {
		return this.secondsUntilAvailableAt(this.clock.monotonicSeconds());
	}

	private secondsUntilAvailableAt(now: number): number {
		if (this.times.size() < this.perMinute) return 0;
		return math.max(0, this.times[this.next] + WINDOW_SECONDS - now);
	}
}
