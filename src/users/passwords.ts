import type { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as argon2 from 'argon2';
import { randomBytes } from 'node:crypto';

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 200;
/** zxcvbn's score (0-4): 3 is "safely unguessable" (about 10^10 guesses); lower is refused. */
export const MIN_PASSWORD_SCORE = 3;

/** argon2id with the library's defaults (memory-hard; ~tens of ms per hash on our machines). */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, { type: argon2.argon2id });
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2.verify(hash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the email is unknown so timing reveals nothing. */
let decoyHash: Promise<string> | null = null;
export function decoy(): Promise<string> {
  decoyHash ??= hashPassword(`decoy-${Math.random()}`);
  return decoyHash;
}

/**
 * The strength estimator, loaded and set up on first use and then shared: its dictionaries are
 * large, and building their rankings takes about 100 ms. Levenshtein matching stays off: it costs
 * ~250 ms of blocked event loop per check, and the dictionary, l33t and pattern matchers already
 * catch common passwords.
 */
let estimator: ZxcvbnFactory | null = null;
function strengthEstimator(): ZxcvbnFactory {
  if (estimator) return estimator;
  const { ZxcvbnFactory: Factory } = require('@zxcvbn-ts/core') as typeof import('@zxcvbn-ts/core');
  const zxcvbnCommon = require('@zxcvbn-ts/language-common') as typeof import('@zxcvbn-ts/language-common');
  const zxcvbnEn = require('@zxcvbn-ts/language-en') as typeof import('@zxcvbn-ts/language-en');
  estimator = new Factory({
    dictionary: { ...zxcvbnCommon.dictionary, ...zxcvbnEn.dictionary },
    graphs: zxcvbnCommon.adjacencyGraphs,
    translations: {
      ...zxcvbnEn.translations,
      warnings: { ...zxcvbnEn.translations.warnings, userInputs: 'It contains your name or email address.' },
    },
    maxLength: MAX_PASSWORD_LENGTH,
  });
  return estimator;
}

/** The words of an email address and a name, so a password built from them counts as guessable. */
export function personalWords(...inputs: (string | null | undefined)[]): string[] {
  const words = new Set<string>();
  for (const input of inputs) {
    const text = input?.trim().toLowerCase();
    if (!text) continue;
    words.add(text);
    const [local, domain] = text.split('@');
    if (domain) words.add(local);
    for (const part of text.split(/[^\p{L}\p{N}]+/u)) if (part.length >= 3) words.add(part);
  }
  return [...words];
}

const sentence = (s: string) => s.trim().replace(/\.$/, '');
const lowerFirst = (s: string) => s.charAt(0).toLowerCase() + s.slice(1);

/**
 * Why a password is refused, in plain English, or null when it will do: 12 to 200 characters
 * and not a common or guessable one (zxcvbn score 3 or more). `personal` are the email address,
 * name and so on of the account, counted as easy to guess.
 */
export function passwordProblem(password: string, personal: (string | null | undefined)[] = []): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be ${MAX_PASSWORD_LENGTH} characters or fewer`;
  const { score, feedback } = strengthEstimator().check(password, personalWords(...personal));
  if (score >= MIN_PASSWORD_SCORE) return null;
  const reasons = [feedback.warning, ...feedback.suggestions].filter((s): s is string => Boolean(s)).map(sentence);
  const [first, ...rest] = reasons.length ? reasons : ['A few unrelated words make a good password'];
  return `Choose a password that is harder to guess: ${[lowerFirst(first), ...rest].join('. ')}.`;
}

/** A temporary password to pass on once: 16 random characters, always strong enough. */
export function temporaryPassword(): string {
  for (;;) {
    const password = randomBytes(12).toString('base64url');
    if (!passwordProblem(password)) return password;
  }
}
