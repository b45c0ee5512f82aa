// Gateway auth: the gateway's own token, before anything of the request is read.
import type { IncomingMessage, ServerResponse } from "node:http";
import { sendApiError, type ApiFormat } from "../api-errors.ts";
import type { DispatchOutcome, Exchange, GatewayDeps } from "../exchange.ts";
import { missingTokenMessage, presentedToken } from "../token.ts";

/** A 401 (the body left unread) unless the request carries the gateway token. */
export function refuseWithoutToken(deps: GatewayDeps, req: IncomingMessage, res: ServerResponse, format: ApiFormat): DispatchOutcome | undefined {
  if (deps.tokenMatches(presentedToken(req.headers))) return undefined;
  req.resume();
  sendApiError(res, format, 401, missingTokenMessage(format));
  return { status: 401 };
}

export function checkGatewayToken(exchange: Exchange): DispatchOutcome | undefined {
  return refuseWithoutToken(exchange.deps, exchange.req, exchange.res, exchange.route.format);
}
