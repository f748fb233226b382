// Makes event and session ids that never go backwards on one server: ids minted in the same
// millisecond (or after the clock stepped back) keep the last millisecond and count up in rand_a
// (RFC 9562 §6.2 method 1); past 4096 ids it borrows the next millisecond instead of waiting.

import { Clock, RandomSource } from "../platform";
import { UUIDV7_MAX_SEQUENCE, uuidv7 } from "./uuidv7";

/** Fresh milliseconds start the counter below this, leaving room to count up. */
const SEQUENCE_SEED_LIMIT = 0x800;

export class UuidV7Generator {
	private lastMillis = -1;
	private sequence = 0;

	constructor(
		private readonly clock: Clock,
		private readonly random: RandomSource,
	) {}

	/** A new UUIDv7 for now (or `unixMillis`), greater than every id this generator made before. */
	next(unixMillis: number = this.clock.nowMillis()): string {
		const guid = this.random.generateGuid();
		const millis = math.floor(unixMillis);
		if (millis > this.lastMillis) {
			this.lastMillis = millis;
			this.sequence = math.floor(this.random.nextNumber() * SEQUENCE_SEED_LIMIT);
		} else if (this.sequence < UUIDV7_MAX_SEQUENCE) {
			this.sequence += 1;
		} else {
			this.lastMillis += 1;
			this.sequence = 0;
		}
		return uuidv7(this.lastMillis, guid, this.sequence);
	}
}
