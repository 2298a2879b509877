import { randomBytes } from 'node:crypto';

/**
 * A fresh order secret: 32 bytes from the operating system's CSPRNG (`crypto.randomBytes`), as 64 hex digits. It
 * seeds one rater's shuffle and sides (lib/evaluation/pairing.ts), is stored in `session_meta.json` and its event
 * log, and never leaves the server, so no client can recompute an order from what it can read.
 */
export function newOrderSecret(): string {
  return randomBytes(32).toString('hex');
}

/** A fresh opaque blind-image token (16 random bytes, 32 hex digits): it says nothing about its pair. */
export function newBlindToken(): string {
  return randomBytes(16).toString('hex');
}

/** A fresh rater-link token (16 random bytes, 32 hex digits): whoever holds the link can rate as its rater. */
export function newLinkToken(): string {
  return randomBytes(16).toString('hex');
}
