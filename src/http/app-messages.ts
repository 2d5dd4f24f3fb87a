/**
 * Request and response classes whose instances are born with an Express app's prototypes (D-RQ3).
 *
 * Express sets the prototype of every request and response it handles to the app's own
 * (`app.request`, `app.response`, which inherit from Node's) with Object.setPrototypeOf. Done to an
 * object Node had built, V8 gives it a copy of its hidden class (map) outside any transition tree,
 * so each later property Node or Express adds gives that one object a map of its own: every
 * request had distinct maps, every property access on them missed its inline cache and every write
 * copied a map, about a fifth of the request path's CPU. Born with the app's prototype, the call
 * changes nothing and all requests share their maps.
 *
 * The classes extend Node's (their constructors are Node's, so the objects are built as before); a
 * class's prototype cannot be replaced, so the app's prototypes are moved onto the classes' instead:
 * each class prototype takes the app prototype's own properties (Express's `app`) and parent
 * (Express's request or response methods), and becomes `app.request` / `app.response` (both public,
 * assignable Express properties). `constructor` is left to Node's, as it was.
 */
import { IncomingMessage, ServerResponse } from 'node:http';

import type { Express } from 'express';

export interface AppMessageClasses {
  readonly IncomingMessage: typeof IncomingMessage;
  readonly ServerResponse: typeof ServerResponse;
}

const made = new WeakMap<Express, AppMessageClasses>();

/** Makes `target` what `source` was (its parent and own properties), leaving `constructor` inherited. */
function adopt(target: object, source: object): void {
  Object.setPrototypeOf(target, Object.getPrototypeOf(source) as object | null);
  Reflect.deleteProperty(target, 'constructor');
  for (const key of Reflect.ownKeys(source)) {
    const descriptor = Object.getOwnPropertyDescriptor(source, key);
    if (descriptor) Object.defineProperty(target, key, descriptor);
  }
}

/** The classes for Node's server options (`IncomingMessage`, `ServerResponse`); once per app. */
export function appMessageClasses(app: Express): AppMessageClasses {
  const known = made.get(app);
  if (known) return known;
  class AppRequest extends IncomingMessage {}
  class AppResponse extends ServerResponse {}
  adopt(AppRequest.prototype, app.request);
  adopt(AppResponse.prototype, app.response);
  app.request = AppRequest.prototype as Express['request'];
  app.response = AppResponse.prototype as unknown as Express['response'];
  const classes: AppMessageClasses = {
    IncomingMessage: AppRequest,
    ServerResponse: AppResponse as typeof ServerResponse,
  };
  made.set(app, classes);
  return classes;
}
