const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/**
 * The other spellings of a 32-byte value in unpadded base64url (43 characters): the last
 * character carries 4 bits of data and 2 unused ones, so 3 other characters decode to the
 * same bytes. A lenient decoder would accept all four.
 */
export function otherSpellings(text: string): string[] {
  if (text.length !== 43) throw new Error("expects a 32-byte value in base64url");
  const index = ALPHABET.indexOf(text.at(-1)!);
  return [1, 2, 3].map((bits) => text.slice(0, -1) + ALPHABET[(index & ~3) | bits ^ (index & 3)]);
}
