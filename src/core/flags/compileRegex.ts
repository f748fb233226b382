// A small backtracking regex engine for the `regex`/`not_regex` flag operators, which posthog-python
// runs with `re.search` (Luau patterns are not regexes). It accepts the common subset of Python 3.11
// syntax listed on compileRegex and answers only whether a match exists. Pure.

export type RegexCompileResult =
	| { kind: "compiled"; regex: CompiledRegex }
	/** Python's re.compile raises on this pattern. */
	| { kind: "invalid"; reason: string }
	/** Possibly valid Python that this engine does not implement. */
	| { kind: "unsupported"; reason: string };

/** Whether the pattern matches somewhere in the subject, or "unsupported" when it can't tell. */
export type RegexSearchResult = boolean | "unsupported";

/** Attempts per search before giving up ("unsupported"): a bound on catastrophic backtracking. */
const MAX_STEPS = 50_000;
/** Longer subjects are left to the server: matching recursion grows with the subject. */
const MAX_SUBJECT_BYTES = 1000;
/** Counted repeats above this are left to the server. */
const MAX_REPEAT = 1000;
const UNBOUNDED = math.huge;

const NEWLINE = 10;

type Assertion = "start" | "end" | "endOnly" | "wordBoundary" | "notWordBoundary";

type RegexNode =
	/** One byte from `members` (indexed by byte, ASCII only), or outside it when negated. */
	| { kind: "byte"; members: Array<boolean>; negated: boolean }
	| { kind: "sequence"; items: Array<RegexNode> }
	| { kind: "alternation"; branches: Array<RegexNode> }
	| { kind: "repeat"; item: RegexNode; min: number; max: number }
	| { kind: "assert"; assertion: Assertion };

class RegexFailure {
	constructor(
		readonly kind: "invalid" | "unsupported",
		readonly reason: string,
	) {}
}

class SearchAbort {}

function emptyMembers(): Array<boolean> {
	return new Array<boolean>(128, false);
}

function isDigit(byte: number | undefined) {
	return byte !== undefined && byte >= 48 && byte <= 57;
}

function isLetter(byte: number | undefined) {
	return byte !== undefined && ((byte >= 65 && byte <= 90) || (byte >= 97 && byte <= 122));
}

function isWordByte(byte: number | undefined) {
	return byte !== undefined && (isLetter(byte) || isDigit(byte) || byte === 95);
}

/** Python's `\s` on ASCII: space, \t \n \v \f \r, and \x1c-\x1f (str.isspace is true for them). */
function isSpaceByte(byte: number) {
	return byte === 32 || (byte >= 9 && byte <= 13) || (byte >= 28 && byte <= 31);
}

/** The bytes of a shorthand class (`d`, `w`, `s`), before negation. */
function shorthandMembers(letter: string): Array<boolean> {
	const members = emptyMembers();
	for (let byte = 0; byte < 128; byte++) {
		if (letter === "d") members[byte] = isDigit(byte);
		else if (letter === "w") members[byte] = isWordByte(byte);
		else members[byte] = isSpaceByte(byte);
	}
	return members;
}

const SHORTHANDS = new Set(["d", "D", "w", "W", "s", "S"]);
/** Escapes of ASCII letters that stand for one character. */
const LETTER_ESCAPES = new Map<string, number>([
	["a", 7],
	["f", 12],
	["n", 10],
	["r", 13],
	["t", 9],
	["v", 11],
]);
/** ASCII-letter escapes Python accepts but this engine does not implement (Unicode names and code points). */
const UNSUPPORTED_LETTER_ESCAPES = new Set(["u", "U", "N"]);

class Parser {
	private position = 1;
	private ignoreCase = false;

	constructor(private readonly pattern: string) {}

	parse(): RegexNode {
		if (this.pattern.sub(1, 4) === "(?i)") {
			this.ignoreCase = true;
			this.position = 5;
		}
		const node = this.parseAlternation();
		if (this.position <= this.pattern.size()) {
			// Only an unmatched ")" stops the top-level alternation early.
			throw new RegexFailure("invalid", "unbalanced parenthesis");
		}
		return node;
	}

	private peek(offset = 0): string {
		return this.pattern.sub(this.position + offset, this.position + offset);
	}

	private next(): string {
		const char = this.peek();
		this.position += 1;
		return char;
	}

	private atEnd() {
		return this.position > this.pattern.size();
	}

	private parseAlternation(): RegexNode {
		const branches = [this.parseSequence()];
		while (this.peek() === "|") {
			this.position += 1;
			branches.push(this.parseSequence());
		}
		return branches.size() === 1 ? branches[0] : { kind: "alternation", branches };
	}

	private parseSequence(): RegexNode {
		const items = new Array<RegexNode>();
		while (!this.atEnd()) {
			const char = this.peek();
			if (char === "|" || char === ")") break;
			if (char === "*" || char === "+" || char === "?" || this.peekCountedRepeat() !== undefined) {
				throw new RegexFailure("invalid", "nothing to repeat");
			}
			const atom = this.parseAtom();
			items.push(this.parseQuantifiers(atom));
		}
		return items.size() === 1 ? items[0] : { kind: "sequence", items };
	}

	private parseQuantifiers(atom: RegexNode): RegexNode {
		const char = this.peek();
		let min: number;
		let max: number;
		const counted = this.peekCountedRepeat();
		if (char === "*") [min, max] = [0, UNBOUNDED];
		else if (char === "+") [min, max] = [1, UNBOUNDED];
		else if (char === "?") [min, max] = [0, 1];
		else if (counted !== undefined) [min, max] = [counted.min, counted.max];
		else return atom;

		if (atom.kind === "assert") throw new RegexFailure("invalid", "nothing to repeat");
		this.position = counted !== undefined ? counted.end : this.position + 1;
		if (this.peek() === "?")
			this.position += 1; // lazy: same matches, other order
		else if (this.peek() === "+") throw new RegexFailure("unsupported", "possessive quantifier");
		if (this.peek() === "*" || this.peek() === "+" || this.peek() === "?" || this.peekCountedRepeat() !== undefined) {
			throw new RegexFailure("invalid", "multiple repeat");
		}
		if (min > max) throw new RegexFailure("invalid", "min repeat greater than max repeat");
		if (min > MAX_REPEAT || (max !== UNBOUNDED && max > MAX_REPEAT)) {
			throw new RegexFailure("unsupported", "repeat count too large");
		}
		return { kind: "repeat", item: atom, min, max };
	}

	/** `{m}`, `{m,}`, `{,n}`, `{m,n}` at the cursor; a "{" in any other form is a literal, as in Python. */
	private peekCountedRepeat(): { min: number; max: number; end: number } | undefined {
		if (this.peek() !== "{") return undefined;
		const [first, last, low, comma, high] = this.pattern.find("^{(%d*)(,?)(%d*)}", this.position);
		if (first === undefined || last === undefined) return undefined;
		const lowText = low as string;
		const highText = high as string;
		if (lowText === "" && comma === "" && highText === "") return undefined; // "{}" is literal
		const min = lowText === "" ? 0 : tonumber(lowText)!;
		let max: number;
		if (comma === "") max = min;
		else max = highText === "" ? UNBOUNDED : tonumber(highText)!;
		return { min, max, end: last + 1 };
	}

	private parseAtom(): RegexNode {
		const char = this.next();
		if (char === "(") return this.parseGroup();
		if (char === "[") return this.parseClass();
		if (char === ".") {
			const members = emptyMembers();
			members[NEWLINE] = true;
			return { kind: "byte", members, negated: true };
		}
		if (char === "^") return { kind: "assert", assertion: "start" };
		if (char === "$") return { kind: "assert", assertion: "end" };
		if (char === "\\") return this.parseEscape();
		return this.literal(char.byte()[0]);
	}

	private parseGroup(): RegexNode {
		if (this.peek() === "?") {
			if (this.peek(1) === ":") {
				this.position += 2;
			} else if (this.peek(1) === "P" && this.peek(2) === "<") {
				const [, last] = this.pattern.find("^[%a_][%w_]*>", this.position + 3);
				if (last === undefined) throw new RegexFailure("unsupported", "group name");
				this.position = last + 1;
			} else {
				throw new RegexFailure("unsupported", `group extension (?${this.peek(1)}`);
			}
		}
		const inner = this.parseAlternation();
		if (this.next() !== ")") throw new RegexFailure("invalid", "missing ), unterminated subpattern");
		return inner;
	}

	private parseEscape(): RegexNode {
		if (this.atEnd()) throw new RegexFailure("invalid", "bad escape (end of pattern)");
		const char = this.next();
		if (SHORTHANDS.has(char)) {
			return { kind: "byte", members: shorthandMembers(char.lower()), negated: char !== char.lower() };
		}
		if (char === "A") return { kind: "assert", assertion: "start" };
		if (char === "Z") return { kind: "assert", assertion: "endOnly" };
		if (char === "b") return { kind: "assert", assertion: "wordBoundary" };
		if (char === "B") return { kind: "assert", assertion: "notWordBoundary" };
		return this.literal(this.escapedByte(char));
	}

	/** The byte an escape (after the backslash) stands for; shared by atoms and classes. */
	private escapedByte(char: string): number {
		const letterByte = LETTER_ESCAPES.get(char);
		if (letterByte !== undefined) return letterByte;
		if (char === "x") {
			const hex = this.pattern.sub(this.position, this.position + 1);
			if (hex.match("^%x%x$")[0] === undefined) throw new RegexFailure("invalid", "incomplete escape \\x");
			this.position += 2;
			const value = tonumber(hex, 16)!;
			if (value >= 128) throw new RegexFailure("unsupported", "non-ASCII escape");
			return value;
		}
		const byte = char.byte()[0];
		if (isDigit(byte)) throw new RegexFailure("unsupported", "backreference or octal escape");
		if (UNSUPPORTED_LETTER_ESCAPES.has(char)) throw new RegexFailure("unsupported", `escape \\${char}`);
		if (isLetter(byte)) throw new RegexFailure("invalid", `bad escape \\${char}`);
		return byte;
	}

	private literal(byte: number): RegexNode {
		const members = emptyMembers();
		members[byte] = true;
		if (this.ignoreCase) addOtherCases(members);
		return { kind: "byte", members, negated: false };
	}

	private parseClass(): RegexNode {
		const members = emptyMembers();
		let negated = false;
		if (this.peek() === "^") {
			negated = true;
			this.position += 1;
		}
		let isFirst = true;
		while (true) {
			if (this.atEnd()) throw new RegexFailure("invalid", "unterminated character set");
			if (this.peek() === "]" && !isFirst) {
				this.position += 1;
				break;
			}
			isFirst = false;
			const low = this.parseClassItem();
			if (this.peek() === "-" && this.peek(1) !== "]" && this.position + 1 <= this.pattern.size()) {
				this.position += 1;
				const high = this.parseClassItem();
				if (!typeIs(low, "number") || !typeIs(high, "number") || low > high) {
					throw new RegexFailure("invalid", "bad character range");
				}
				for (let byte = low; byte <= high; byte++) members[byte] = true;
			} else if (typeIs(low, "number")) {
				members[low] = true;
			} else {
				for (let byte = 0; byte < 128; byte++) {
					if (low.members[byte] !== low.negated) members[byte] = true;
				}
			}
		}
		if (this.ignoreCase) addOtherCases(members);
		return { kind: "byte", members, negated };
	}

	/** One class member: a byte, or a shorthand class (`\d` ...) that can't end a range. */
	private parseClassItem(): number | { members: Array<boolean>; negated: boolean } {
		const char = this.next();
		if (char !== "\\") return char.byte()[0];
		if (this.atEnd()) throw new RegexFailure("invalid", "unterminated character set");
		const escaped = this.next();
		if (SHORTHANDS.has(escaped)) {
			return { members: shorthandMembers(escaped.lower()), negated: escaped !== escaped.lower() };
		}
		if (escaped === "b") return 8; // backspace inside a class
		if (escaped === "A" || escaped === "Z" || escaped === "B") {
			throw new RegexFailure("invalid", `bad escape \\${escaped}`);
		}
		return this.escapedByte(escaped);
	}
}

function addOtherCases(members: Array<boolean>) {
	for (let byte = 65; byte <= 90; byte++) {
		if (members[byte] || members[byte + 32]) {
			members[byte] = true;
			members[byte + 32] = true;
		}
	}
}

/** A Luau pattern class of the bytes 0x80-0xFF (built at runtime: TS has no byte escapes). */
const NON_ASCII_BYTE = `[${string.char(0x80)}-${string.char(0xff)}]`;

function hasNonAscii(text: string) {
	return text.find(NON_ASCII_BYTE)[0] !== undefined;
}

export class CompiledRegex {
	constructor(private readonly root: RegexNode) {}

	/** Python's `re.search(pattern, subject) is not None`, on ASCII subjects. */
	search(subject: string): RegexSearchResult {
		if (subject.size() > MAX_SUBJECT_BYTES || hasNonAscii(subject)) return "unsupported";
		const matcher = new Matcher(subject);
		const [ok, result] = pcall(() => {
			for (let start = 0; start <= subject.size(); start++) {
				if (matcher.match(this.root, start, () => true)) return true;
			}
			return false;
		});
		// The step budget (SearchAbort) or, in theory, the Luau call depth.
		if (!ok) return "unsupported";
		return result;
	}
}

class Matcher {
	private steps = 0;
	private readonly size: number;

	constructor(private readonly subject: string) {
		this.size = subject.size();
	}

	/** Whether `node` matches at `position` (0-based) and `rest` accepts where it ends. */
	match(node: RegexNode, position: number, rest: (position: number) => boolean): boolean {
		this.steps += 1;
		if (this.steps > MAX_STEPS) throw new SearchAbort();
		switch (node.kind) {
			case "byte":
				return this.matchesByte(node, position) && rest(position + 1);
			case "sequence":
				return this.matchSequence(node.items, 0, position, rest);
			case "alternation":
				for (const branch of node.branches) {
					if (this.match(branch, position, rest)) return true;
				}
				return false;
			case "repeat":
				if (node.item.kind === "byte") return this.matchByteRun(node, node.item, position, rest);
				return this.matchRepeat(node, 0, position, rest);
			case "assert":
				return this.holds(node.assertion, position) && rest(position);
		}
	}

	private byteAt(position: number): number | undefined {
		return position < this.size ? string.byte(this.subject, position + 1)[0] : undefined;
	}

	private matchesByte(node: { members: Array<boolean>; negated: boolean }, position: number) {
		const byte = this.byteAt(position);
		return byte !== undefined && node.members[byte] !== node.negated;
	}

	private matchSequence(
		items: Array<RegexNode>,
		index: number,
		position: number,
		rest: (position: number) => boolean,
	): boolean {
		if (index >= items.size()) return rest(position);
		return this.match(items[index], position, (after) => this.matchSequence(items, index + 1, after, rest));
	}

	/** A repeated single byte: measure the run once, then try the lengths (no recursion per byte). */
	private matchByteRun(
		node: { min: number; max: number },
		item: { members: Array<boolean>; negated: boolean },
		position: number,
		rest: (position: number) => boolean,
	): boolean {
		let run = 0;
		while (run < node.max && this.matchesByte(item, position + run)) run += 1;
		for (let count = run; count >= node.min; count--) {
			this.steps += 1;
			if (this.steps > MAX_STEPS) throw new SearchAbort();
			if (rest(position + count)) return true;
		}
		return false;
	}

	private matchRepeat(
		node: { item: RegexNode; min: number; max: number },
		count: number,
		position: number,
		rest: (position: number) => boolean,
	): boolean {
		const more =
			count < node.max &&
			this.match(node.item, position, (after) => {
				// An empty iteration past the minimum can't lead anywhere new: stop looping.
				if (after === position && count >= node.min) return false;
				return this.matchRepeat(node, count + 1, after, rest);
			});
		if (more) return true;
		return count >= node.min && rest(position);
	}

	private holds(assertion: Assertion, position: number): boolean {
		switch (assertion) {
			case "start":
				return position === 0;
			case "end":
				// Python's `$` also matches before a newline that ends the subject.
				return position === this.size || (position === this.size - 1 && this.byteAt(position) === NEWLINE);
			case "endOnly":
				return position === this.size;
			case "wordBoundary":
				return isWordByte(this.byteAt(position - 1)) !== isWordByte(this.byteAt(position));
			case "notWordBoundary":
				return isWordByte(this.byteAt(position - 1)) === isWordByte(this.byteAt(position));
		}
	}
}

/**
 * Compiles a Python regex. Supported: literals, `.`, classes (`[a-z]`, `[^...]`, `\d \w \s` and
 * their negations), groups `(...)`, `(?:...)`, `(?P<name>...)`, alternation, greedy and lazy
 * quantifiers (`* + ? {m,n}`), anchors `^ $ \A \Z \b \B`, and a leading `(?i)`. A pattern Python
 * rejects is "invalid" (posthog-python then answers false); anything else outside the subset, and
 * non-ASCII text, is "unsupported" (the flag goes to the server).
 */
export function compileRegex(pattern: string): RegexCompileResult {
	if (hasNonAscii(pattern)) return { kind: "unsupported", reason: "non-ASCII pattern" };
	const parser = new Parser(pattern);
	const [ok, result] = pcall(() => parser.parse());
	if (ok) return { kind: "compiled", regex: new CompiledRegex(result) };
	if (result instanceof RegexFailure) return { kind: result.kind, reason: result.reason };
	return { kind: "unsupported", reason: tostring(result) };
}
