export interface MutationModule {
  /** Stryker `mutate` patterns: files, or `file:from-to` line ranges. */
  mutate: string[];
  /** The test files that exercise the module; vitest runs only these for it. */
  tests: string[];
}

export declare const modules: Record<string, MutationModule>;
export declare const moduleNames: string[];
