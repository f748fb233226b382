// PostHog's rollout hash (posthog-python `_hash`, identical in node, go and ruby): maps a flag key
// and a bucketing value to a float in [0, 1] that every SDK and the server agree on, bit for bit.
// Pure: SHA-1 in Luau arithmetic (sha1.ts).

import { sha1 } from "./sha1";

const TWO_POW_28 = 268435456;
/**
 * Python divides by float(0xFFFFFFFFFFFFFFF); 2^60 - 1 is not a double and rounds to 2^60, so the
 * divisor is exactly 2^60 and the division only shifts the exponent.
 */
const LONG_SCALE = 1152921504606846976;

/**
 * `int(sha1_hex("<key>.<bucketingValue><salt>")[0:15], 16) / 0xFFFFFFFFFFFFFFF`, as Python computes it.
 *
 * The 15 hex digits are 60 bits: more than a double's 53-bit mantissa, so they can't be built one
 * digit at a time (each step would round). Python converts the exact 60-bit integer to the nearest
 * double (round half to even), then divides. We get the same double: the top 32 bits (word 0)
 * times 2^28 is exact, the next 28 bits (word 1 >> 4) are exact, and one IEEE addition of two
 * exact values rounds their exact sum to nearest-even, which is precisely Python's conversion.
 * Salt "" buckets rollouts; salt "variant" picks multivariate variants.
 */
export function hashForRollout(key: string, bucketingValue: string, salt = ""): number {
	const digest = sha1(`${key}.${bucketingValue}${salt}`);
	const high = digest[0];
	const low = bit32.rshift(digest[1], 4);
	return (high * TWO_POW_28 + low) / LONG_SCALE;
}
