import { z } from 'zod';
import { zodMessage } from './validation.js';

/**
 * An e-mail address as the service stores and sends it. zod's address rule alone lets the domain
 * end a label with a hyphen (`a@b-.cn`), which is no host name (RFC 1123 §2.1) and which JSON
 * Schema's `format: email` rejects; with the second rule, an integrator validating the contract
 * accepts every address the service accepts.
 */
export const emailSchema = () =>
  z
    .email()
    .max(254)
    .regex(
      /@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/,
      zodMessage({
        en: 'the domain must be a host name (labels of letters, digits and inner hyphens)',
        zh: '域名必须是合法主机名（各段由字母、数字和中间的连字符组成）',
      }),
    );
