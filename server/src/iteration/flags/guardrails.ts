import type { GuardrailSource } from './service.js';

/**
 * The API error-rate guardrail: the share of an app's API calls answered with an error, from the usage analytics
 * (calls made with the app's credentials, flushed first). `params.include`: `server` (5xx only, the default) or `all`
 * (4xx too). Usage is kept per UTC day, so the window starts at the beginning of the day the stage started.
 */
export function apiErrorRateGuardrail(usage: {
  errorCounts(appId: string, sinceDay: string): Promise<{ calls: number; clientErrors: number; serverErrors: number }>;
}): GuardrailSource {
  return {
    name: 'api_error_rate',
    async measure({ appId, since, params }) {
      const c = await usage.errorCounts(appId, since.toISOString().slice(0, 10));
      const errors = c.serverErrors + (params.include === 'all' ? c.clientErrors : 0);
      return { value: c.calls === 0 ? null : errors / c.calls, samples: c.calls };
    },
  };
}

/**
 * The captured-event rate guardrail: `params.event` events over `params.per` events that the app captured since the
 * stage started (e.g. `checkout_error` per `checkout_started`, or per an exposure event the app captures when it
 * shows the feature). Samples are the `per` events. Both names are required, checked when the plan is saved.
 */
export function eventRateGuardrail(capture: {
  eventCounts(appId: string, names: string[], since: Date): Promise<Record<string, number>>;
}): GuardrailSource {
  const nameOf = (v: unknown) => (typeof v === 'string' && v.length > 0 && v.length <= 200 ? v : null);
  return {
    name: 'event_rate',
    check(params) {
      if (!nameOf(params.event)) return 'params.event: the name of the captured event to watch';
      if (!nameOf(params.per)) return 'params.per: the name of the captured event it is a rate of';
      if (params.event === params.per) return 'params.per: another event than params.event';
      return null;
    },
    async measure({ appId, since, params }) {
      const event = nameOf(params.event);
      const per = nameOf(params.per);
      if (!event || !per) return { value: null, samples: 0 };
      const counts = await capture.eventCounts(appId, [event, per], since);
      const samples = counts[per] ?? 0;
      return { value: samples === 0 ? null : (counts[event] ?? 0) / samples, samples };
    },
  };
}
