import { z } from 'zod';

/**
 * Free text as users type it: trimmed, bounded, and without NUL, which Postgres cannot store
 * in text or jsonb (other control characters such as newlines are fine).
 */
export const text = (max: number, min = 1) =>
  z
    .string()
    .trim()
    .min(min)
    .max(max)
    .refine((value) => !value.includes('\u0000'), 'must not contain NUL (U+0000) characters');
