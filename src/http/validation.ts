import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import { zhCN } from 'zod/locales';
import { $ZodType, safeParse, type $ZodIssue, type $ZodRawIssue } from 'zod/v4/core';
import { AppError, type FieldError, type Text } from '../errors.js';

/** A 400 listing each offending field; the summary repeats them so `detail` reads on its own. */
export function invalid(errors: FieldError[]): AppError {
  return new AppError('VALIDATION_FAILED', {
    en: `The request is invalid: ${errors.map((error) => `${error.path}: ${error.message.en}`).join('; ')}`,
    zh: `请求校验未通过：${errors.map((error) => `${error.path}：${error.message.zh}`).join('；')}`,
  }, errors);
}

/*
 * Request validation in both languages. zod renders its messages in English (the global default,
 * which integrators keep); for each issue this compiler also renders the Chinese, so the problem
 * handler can answer in either language without parsing again:
 * - zod's own messages (wrong type, too short, not a URL...) are rendered again by zod 4's
 *   Chinese locale (`zhCN().localeError`), from the issue with its input (hence `reportInput`,
 *   which `invalid_type` needs to say what it received; the input is not kept);
 * - the schemas' custom messages (refinements, regexes, error options) are written with
 *   `zodMessage({ en, zh })`, which hands zod the English and files the Chinese under it. One
 *   place per message, both texts side by side, and no per-request locale switching in zod.
 * tests/problem-language.test.ts checks that no schema passes zod an English-only message.
 */
const chineseOf = new Map<string, string>();

/** A schema's custom validation message in both languages; zod gets (and renders) the English. */
export function zodMessage(text: Text): string {
  chineseOf.set(text.en, text.zh);
  return text.en;
}

const zhLocale = zhCN().localeError;

function chinese(issue: $ZodIssue): string {
  const custom = chineseOf.get(issue.message);
  if (custom !== undefined) return custom;
  const rendered = zhLocale(issue as unknown as $ZodRawIssue);
  return (typeof rendered === 'string' ? rendered : rendered?.message) ?? '无效输入';
}

/** fastify-type-provider-zod marks its issues with this symbol; `hasZodFastifySchemaValidationErrors` looks for it. */
const ZOD_VALIDATION_ISSUE = Symbol.for('ZodFastifySchemaValidationError');

/** One failed check, as Fastify hands it to the error handler (`error.validation`), with both texts. */
export interface LocalizedValidationIssue extends FastifySchemaValidationError {
  text: Text;
}

/** What fastify-type-provider-zod's `validatorCompiler` does, plus the Chinese of each message. */
export const validatorCompiler: FastifySchemaCompiler<unknown> = ({ schema }) => {
  const zodSchema = schemaOf(schema);
  return (data) => {
    const result = safeParse(zodSchema, data, { reportInput: true });
    if (result.success) return { value: result.data };
    const issues = result.error.issues.map((issue): LocalizedValidationIssue & { [ZOD_VALIDATION_ISSUE]: true } => {
      const { path, code, message, input: _input, ...params } = issue as $ZodIssue & { input?: unknown };
      return {
        [ZOD_VALIDATION_ISSUE]: true,
        keyword: code,
        instancePath: `/${path.join('/')}`,
        schemaPath: `#/${path.join('/')}/${code}`,
        message,
        params,
        text: { en: message, zh: chinese(issue) },
      };
    });
    return { error: issues };
  };
};

function schemaOf(schema: unknown): $ZodType {
  if (schema instanceof $ZodType) return schema;
  const properties = (schema as { properties?: unknown } | null)?.properties;
  if (properties instanceof $ZodType) return properties;
  throw new Error(`Not a zod schema: ${JSON.stringify(schema)}`);
}
