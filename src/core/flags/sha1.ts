// SHA-1 (FIPS 180-4) over a Luau byte string, with bit32 for the 32-bit word operations, so
// flag bucketing needs no HashService or engine call. Pure arithmetic; not for security, only for
// reproducing PostHog's rollout hash (see hashForRollout).

/** The five 32-bit words of a digest, each an integer in [0, 2^32). */
export type Sha1Digest = [number, number, number, number, number];

const TWO_POW_32 = 4294967296;
const BLOCK_BYTES = 64;

/** The SHA-1 digest of `message`, read as raw bytes (a Luau string is a byte string). */
export function sha1(message: string): Sha1Digest {
	const byteLength = message.size();
	const bitLength = byteLength * 8;
	// Padding: one 0x80 byte, zeros up to 56 mod 64, then the bit length as a big-endian 64-bit number.
	const zeroCount = (((55 - byteLength) % BLOCK_BYTES) + BLOCK_BYTES) % BLOCK_BYTES;
	const lengthHigh = math.floor(bitLength / TWO_POW_32);
	const lengthLow = bitLength % TWO_POW_32;
	const padded =
		message +
		string.char(0x80) +
		string.rep(string.char(0), zeroCount) +
		string.char(
			bit32.extract(lengthHigh, 24, 8),
			bit32.extract(lengthHigh, 16, 8),
			bit32.extract(lengthHigh, 8, 8),
			bit32.extract(lengthHigh, 0, 8),
			bit32.extract(lengthLow, 24, 8),
			bit32.extract(lengthLow, 16, 8),
			bit32.extract(lengthLow, 8, 8),
			bit32.extract(lengthLow, 0, 8),
		);

	let h0 = 0x67452301;
	let h1 = 0xefcdab89;
	let h2 = 0x98badcfe;
	let h3 = 0x10325476;
	let h4 = 0xc3d2e1f0;
	const words = new Array<number>(80, 0);

	for (let offset = 0; offset < padded.size(); offset += BLOCK_BYTES) {
		for (let index = 0; index < 16; index++) {
			const [b0, b1, b2, b3] = string.byte(padded, offset + index * 4 + 1, offset + index * 4 + 4);
			words[index] = ((b0 * 256 + b1) * 256 + b2) * 256 + b3;
		}
		for (let index = 16; index < 80; index++) {
			words[index] = bit32.lrotate(
				bit32.bxor(words[index - 3], words[index - 8], words[index - 14], words[index - 16]),
				1,
			);
		}

		let a = h0;
		let b = h1;
		let c = h2;
		let d = h3;
		let e = h4;
		for (let index = 0; index < 80; index++) {
			let mixed: number;
			let constant: number;
			if (index < 20) {
				// (b AND c) OR (NOT b AND d), in two calls
				mixed = bit32.bxor(d, bit32.band(b, bit32.bxor(c, d)));
				constant = 0x5a827999;
			} else if (index < 40) {
				mixed = bit32.bxor(b, c, d);
				constant = 0x6ed9eba1;
			} else if (index < 60) {
				// majority(b, c, d)
				mixed = bit32.bor(bit32.band(b, c), bit32.band(d, bit32.bor(b, c)));
				constant = 0x8f1bbcdc;
			} else {
				mixed = bit32.bxor(b, c, d);
				constant = 0xca62c1d6;
			}
			// Five terms below 2^32 sum below 2^35: exact in a double before the modulo.
			const rotated = (bit32.lrotate(a, 5) + mixed + e + constant + words[index]) % TWO_POW_32;
			e = d;
			d = c;
			c = bit32.lrotate(b, 30);
			b = a;
			a = rotated;
		}
		h0 = (h0 + a) % TWO_POW_32;
		h1 = (h1 + b) % TWO_POW_32;
		h2 = (h2 + c) % TWO_POW_32;
		h3 = (h3 + d) % TWO_POW_32;
		h4 = (h4 + e) % TWO_POW_32;
	}
	return [h0, h1, h2, h3, h4];
}

/** The SHA-1 digest of `message` as 40 lowercase hex digits. */
export function sha1Hex(message: string): string {
	const [h0, h1, h2, h3, h4] = sha1(message);
	return string.format("%08x%08x%08x%08x%08x", h0, h1, h2, h3, h4);
}
