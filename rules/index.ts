import type { Rule } from '../src/rules/api.js';
import awaitNext from './await-next.js';
import callNext from './call-next.js';
import middlewareOrder from './middleware-order.js';
import noDuplicateMiddleware from './no-duplicate-middleware.js';
import errorHandlerPosition from './error-handler-position.js';
import noLegacyMiddlewareSetting from './no-legacy-middleware-setting.js';
import requiredMiddleware from './required-middleware.js';
import resolvableMiddleware from './resolvable-middleware.js';
import hookReturn from './hook-return.js';
import noDiscardedResponse from './no-discarded-response.js';
import noDoubleNext from './no-double-next.js';
import returnResponse from './return-response.js';
import storeNext from './store-next.js';
import hookSignature from './hook-signature.js';
import mixinInit from './mixin-init.js';
import hookCallsNext from './hook-calls-next.js';
import asyncCapable from './async-capable.js';
import errorHandlerArity from './error-handler-arity.js';
import respondOnce from './respond-once.js';

/** Every rule, in catalogue order (RULES.md). */
export const allRules: Rule[] = [
  returnResponse,
  callNext,
  noDoubleNext,
  noDiscardedResponse,
  awaitNext,
  storeNext,
  hookReturn,
  hookSignature,
  mixinInit,
  hookCallsNext,
  asyncCapable,
  errorHandlerArity,
  respondOnce,
  middlewareOrder,
  noDuplicateMiddleware,
  errorHandlerPosition,
  resolvableMiddleware,
  requiredMiddleware,
  noLegacyMiddlewareSetting,
] as Rule[];
