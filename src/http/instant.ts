import { z } from 'zod';
import { zodMessage } from './validation.js';

const EARLIEST = Date.UTC(2000, 0, 1);
const LATEST = Date.UTC(2100, 0, 1);
const MESSAGE = zodMessage({ en: 'must be in the years 2000 to 2099', zh: '必须在 2000 至 2099 年之间' });

/**
 * An ISO 8601 instant with its offset, within 2000–2099: instants far outside any campaign are
 * typos, and years beyond four digits would not survive ISO formatting or Postgres.
 */
export const boundedInstant = () =>
  z.iso
    .datetime({ offset: true })
    .refine((value) => Date.parse(value) >= EARLIEST && Date.parse(value) < LATEST, MESSAGE);
