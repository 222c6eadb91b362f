/** Library surface of dexto-auth-conformance. */
export { run, makeTarget, type RunConfig, type TargetSpec } from './engine/api.js';
export { runSuite, generateKey } from './engine/run.js';
export { defaultOptions, type RunOptions } from './engine/options.js';
export { selectChecks, UsageError } from './engine/select.js';
export type { Check, CheckContext, Outcome, Result, Report, Category, Level, Evidence } from './engine/types.js';
export { CATEGORIES } from './engine/types.js';
export { MODES, MODE_NAMES, modeByName, type ModeDef, type ModeName, type EnvNames } from './contract/modes.js';
export { PUBLIC_ROUTES, DOCUMENTED_ROUTES, type RouteSpec } from './contract/routes.js';
export { classifyAuthorization, type CredentialClass } from './contract/credentials.js';
export { TargetError } from './targets/types.js';
export type { HandlerFactory, HandlerIo, AppLike } from './targets/handler.js';
export { createReferenceApp } from './reference/app.js';
export { startReferenceServer } from './reference/serve.js';
export { ALL_CHECKS } from '../suites/index.js';
export { renderConsole } from './report/console.js';
export { renderJson } from './report/json.js';
export { renderJunit } from './report/junit.js';
