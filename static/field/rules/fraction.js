// Exact rational numbers on BigInt, as Python's fractions.Fraction computes the scores.
// A fraction is a frozen {n, d} of BigInts in lowest terms with d > 0.

function gcd(a, b) {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x;
}

/**
 * The fraction n/d in lowest terms.
 * @param {bigint} n
 * @param {bigint} [d=1n] not zero
 * @returns {{n: bigint, d: bigint}}
 */
export function fraction(n, d = 1n) {
  if (d === 0n) throw new RangeError("fraction with a zero denominator");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d) || 1n;
  return Object.freeze({ n: n / g, d: d / g });
}

export const ZERO = fraction(0n);
export const HALF = fraction(1n, 2n);

const RATIONAL = /^(-?[0-9]+)(?:\/([0-9]+))?$/;
const DECIMAL = /^(-?)([0-9]+)(?:\.([0-9]*))?(?:e([+-]?[0-9]+))?$/i;

/**
 * A rational written "p" or "p/q", as the rules data carries weights and thresholds.
 * @param {string} text
 */
export function parseRational(text) {
  const match = RATIONAL.exec(text);
  if (!match) throw new SyntaxError(`not a rational: ${JSON.stringify(text)}`);
  return fraction(BigInt(match[1]), BigInt(match[2] ?? "1"));
}

/**
 * The exact value of a decimal numeral ("12", "0.25", "1e-05"), as Fraction(str) reads one.
 * @param {string} text
 */
export function parseDecimal(text) {
  const match = DECIMAL.exec(text);
  if (!match) throw new SyntaxError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole, decimals = "", exponentText = "0"] = match;
  const exponent = Number(exponentText) - decimals.length;
  let n = BigInt(whole + decimals);
  let d = 1n;
  if (exponent >= 0) n *= 10n ** BigInt(exponent);
  else d = 10n ** BigInt(-exponent);
  return fraction(sign ? -n : n, d);
}

/**
 * The number as Python's Fraction(str(number)) reads it: the shortest decimal that rounds
 * to the float (JavaScript's String and Python's repr choose the same digits).
 * @param {number} number a finite number
 */
export function fromShortestDecimal(number) {
  if (!Number.isFinite(number)) throw new RangeError(`not a finite number: ${number}`);
  return parseDecimal(String(number));
}

/**
 * The exact binary value of a finite float, as Python compares a Fraction with a float.
 * @param {number} number a finite number
 */
export function fromFloat(number) {
  if (!Number.isFinite(number)) throw new RangeError(`not a finite number: ${number}`);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, number);
  const bits = view.getBigUint64(0);
  const negative = bits >> 63n === 1n;
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fractionBits = bits & ((1n << 52n) - 1n);
  // Subnormals have no implicit leading bit and the exponent of the smallest normal.
  const mantissa = biased === 0 ? fractionBits : fractionBits | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const value =
    exponent >= 0
      ? fraction(mantissa << BigInt(exponent))
      : fraction(mantissa, 1n << BigInt(-exponent));
  return negative ? fraction(-value.n, value.d) : value;
}

/** The sum a + b of two fractions. */
export function add(a, b) {
  return fraction(a.n * b.d + b.n * a.d, a.d * b.d);
}

/** The product a × b of two fractions. */
export function multiply(a, b) {
  return fraction(a.n * b.n, a.d * b.d);
}

/** The quotient a / b of two fractions; RangeError when b is zero. */
export function divide(a, b) {
  return fraction(a.n * b.d, a.d * b.n);
}

/** -1, 0 or 1 as a is below, equal to or above b. */
export function compare(a, b) {
  const left = a.n * b.d;
  const right = b.n * a.d;
  return left < right ? -1 : left > right ? 1 : 0;
}

/** The greatest integer at or below the fraction, as a Number. */
export function floor(a) {
  let quotient = a.n / a.d; // BigInt division truncates toward zero
  if (a.n % a.d !== 0n && a.n < 0n) quotient -= 1n;
  return Number(quotient);
}

/** Python's math.floor(value + Fraction(1, 2)): rounding half up. */
export function roundHalfUp(a) {
  return floor(add(a, HALF));
}
