/** How a security mode is expected to treat protected routes. */
export type ModeKind = 'open' | 'auth' | 'fail-closed';

/** Stable names of the security modes (part of the CLI interface). */
export const MODE_NAMES = [
  'development',
  'production',
  'explicit',
  'production-no-key',
  'explicit-no-key',
  'production-require-false',
  'production-empty-key',
  'production-blank-key',
] as const;

export type ModeName = (typeof MODE_NAMES)[number];

/** Names of the environment variables that select a mode; configurable for non-Dexto servers. */
export interface EnvNames {
  nodeEnv: string;
  apiKey: string;
  requireAuth: string;
}

/** The Dexto defaults. */
export const DEXTO_ENV_NAMES: EnvNames = {
  nodeEnv: 'NODE_ENV',
  apiKey: 'DEXTO_SERVER_API_KEY',
  requireAuth: 'DEXTO_SERVER_REQUIRE_AUTH',
};

/** One security mode: the environment that selects it and what the server must then do. */
export interface ModeDef {
  name: ModeName;
  kind: ModeKind;
  /** True when the mode's environment carries the generated key. */
  usesKey: boolean;
  summary: string;
  /** Requirement the mode's own behaviour is specified by. */
  requirement: string;
  env(key: string, names?: EnvNames): Record<string, string>;
}

const n = (names: EnvNames | undefined): EnvNames => names ?? DEXTO_ENV_NAMES;

/** Every security mode of the contract, in report order. */
export const MODES: readonly ModeDef[] = [
  {
    name: 'development',
    kind: 'open',
    usesKey: false,
    summary: 'no auth variables: protected routes are open',
    requirement: 'MODE-DEV',
    env: () => ({}),
  },
  {
    name: 'production',
    kind: 'auth',
    usesKey: true,
    summary: 'NODE_ENV=production + API key: every non-public route needs the key',
    requirement: 'MODE-PROD',
    env: (key, names) => ({ [n(names).nodeEnv]: 'production', [n(names).apiKey]: key }),
  },
  {
    name: 'explicit',
    kind: 'auth',
    usesKey: true,
    summary: 'REQUIRE_AUTH=true + API key outside production: auth is enforced',
    requirement: 'MODE-EXPLICIT',
    env: (key, names) => ({ [n(names).nodeEnv]: 'development', [n(names).requireAuth]: 'true', [n(names).apiKey]: key }),
  },
  {
    name: 'production-no-key',
    kind: 'fail-closed',
    usesKey: false,
    summary: 'NODE_ENV=production without a key: fails closed',
    requirement: 'MODE-FAIL-CLOSED',
    env: (_key, names) => ({ [n(names).nodeEnv]: 'production' }),
  },
  {
    name: 'explicit-no-key',
    kind: 'fail-closed',
    usesKey: false,
    summary: 'REQUIRE_AUTH=true without a key: fails closed',
    requirement: 'MODE-FAIL-CLOSED',
    env: (_key, names) => ({ [n(names).nodeEnv]: 'development', [n(names).requireAuth]: 'true' }),
  },
  {
    name: 'production-require-false',
    kind: 'auth',
    usesKey: true,
    summary: 'NODE_ENV=production + REQUIRE_AUTH=false + key: auth is still enforced',
    requirement: 'MODE-REQUIRE-FALSE',
    env: (key, names) => ({ [n(names).nodeEnv]: 'production', [n(names).requireAuth]: 'false', [n(names).apiKey]: key }),
  },
  {
    name: 'production-empty-key',
    kind: 'fail-closed',
    usesKey: false,
    summary: 'NODE_ENV=production with an empty key: treated as no key, fails closed',
    requirement: 'MODE-FAIL-CLOSED',
    env: (_key, names) => ({ [n(names).nodeEnv]: 'production', [n(names).apiKey]: '' }),
  },
  {
    name: 'production-blank-key',
    kind: 'fail-closed',
    usesKey: false,
    summary: 'NODE_ENV=production with a blank key (spaces only): treated as no key, fails closed',
    requirement: 'MODE-FAIL-CLOSED',
    env: (_key, names) => ({ [n(names).nodeEnv]: 'production', [n(names).apiKey]: '   ' }),
  },
];

/** Looks a mode up by name. */
export function modeByName(name: string): ModeDef | undefined {
  return MODES.find((m) => m.name === name);
}
