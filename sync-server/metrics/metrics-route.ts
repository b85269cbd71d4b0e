import type { Context } from 'hono';
import type { Registry } from 'prom-client';
import { tokenMatcher } from '../token-matcher.ts';

/**
 * GET /metrics: Prometheus text for a scraper holding METRICS_TOKEN (`Authorization: Bearer <token>`). Without a
 * configured token the route does not exist (404): counts of connections and refusals are not for the public.
 */
export function metricsRoute(options: {
  token: string | undefined;
  registry: Registry;
}): (c: Context) => Promise<Response> {
  const matches = tokenMatcher(options.token);
  return async (c) => {
    if (options.token === undefined) return c.text('Not found', 404);
    const header = c.req.header('authorization');
    const given = header?.startsWith('Bearer ') === true ? header.slice('Bearer '.length) : undefined;
    if (!matches(given))
      return c.text('A metrics token is required.', 401, { 'WWW-Authenticate': 'Bearer realm="metrics"' });
    const body = await options.registry.metrics();
    return c.text(body, 200, { 'Content-Type': options.registry.contentType, 'Cache-Control': 'no-store' });
  };
}
