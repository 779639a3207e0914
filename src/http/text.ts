import { z } from 'zod';
import { zodMessage } from './validation.js';

/*
 * What Postgres can store in `text` and `jsonb`: no NUL (U+0000), and well-formed UTF-16, since an
 * unpaired surrogate (JSON allows "\ud800") has no UTF-8 encoding and fails the statement with a
 * 500. Other control characters such as newlines are fine.
 */
const NUL = '\u0000';
// String.prototype.isWellFormed is Node 20+ (ES2024); the project's lib is ES2023.
const isWellFormed = (value: string) => (value as string & { isWellFormed(): boolean }).isWellFormed();

export const NOT_WELL_FORMED = zodMessage({
  en: 'must be well-formed Unicode (no unpaired surrogate U+D800..U+DFFF)',
  zh: '必须是有效的 Unicode 文本（不得含有不成对的代理项 U+D800..U+DFFF）',
});
export const HAS_NUL = zodMessage({ en: 'must not contain NUL (U+0000) characters', zh: '不得包含 NUL（U+0000）字符' });

/** Adds the storability checks to any string schema (free text, URLs, e-mail addresses). */
export const storable = <S extends z.ZodString | z.ZodURL | z.ZodEmail>(schema: S) =>
  schema
    .refine((value) => !value.includes(NUL), HAS_NUL)
    .refine((value) => isWellFormed(value), NOT_WELL_FORMED);

/**
 * Free text as users type it: trimmed (any Unicode white space, e.g. tab, NBSP, U+3000),
 * bounded, and storable. The one schema for every free-text field a client writes.
 */
export const text = (max: number, min = 1) => storable(z.string().trim().min(min).max(max));
