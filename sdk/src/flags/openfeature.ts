/**
 * An OpenFeature provider for `@openfeature/server-sdk`: flags evaluated locally from the app's ruleset (kept
 * current by FlagsClient), so `client.getBooleanValue('my-flag', false, context)` costs no network call.
 */
import {
  ErrorCode,
  OpenFeatureEventEmitter,
  ProviderEvents,
  StandardResolutionReasons,
  type EvaluationContext,
  type JsonValue,
  type Provider,
  type ResolutionDetails,
} from '@openfeature/server-sdk';
import { FlagsClient, type FlagsClientOptions } from './client.js';
import type { EvaluationResult } from './evaluate.js';

type Kind = 'boolean' | 'string' | 'number' | 'object';

export class MultitudeProvider implements Provider {
  readonly metadata = { name: 'multitude' } as const;
  readonly runsOn = 'server' as const;
  readonly events = new OpenFeatureEventEmitter();
  readonly client: FlagsClient;

  constructor(options: FlagsClientOptions | FlagsClient) {
    this.client = options instanceof FlagsClient ? options : new FlagsClient(options);
    this.client.onChange(() => this.events.emit(ProviderEvents.ConfigurationChanged, {}));
  }

  async initialize(): Promise<void> {
    await this.client.start();
  }

  async onClose(): Promise<void> {
    this.client.close();
  }

  private resolve<T>(flagKey: string, defaultValue: T, context: EvaluationContext, kind: Kind): ResolutionDetails<T> {
    const r: EvaluationResult = this.client.evaluate(flagKey, context as Record<string, unknown>);
    if (r.errorCode) {
      const code =
        r.errorCode === 'FLAG_NOT_FOUND'
          ? ErrorCode.FLAG_NOT_FOUND
          : r.errorCode === 'TARGETING_KEY_MISSING'
            ? ErrorCode.TARGETING_KEY_MISSING
            : ErrorCode.GENERAL;
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: code,
        errorMessage: r.errorDetails,
      };
    }
    const ok = kind === 'object' ? r.value !== null && typeof r.value === 'object' : typeof r.value === kind;
    if (!ok)
      return {
        value: defaultValue,
        reason: StandardResolutionReasons.ERROR,
        errorCode: ErrorCode.TYPE_MISMATCH,
        errorMessage: `The flag ${flagKey} is not a ${kind}`,
      };
    return {
      value: r.value as T,
      variant: r.variant,
      reason: r.reason,
      ...(r.ruleId ? { flagMetadata: { ruleId: r.ruleId } } : {}),
    };
  }

  async resolveBooleanEvaluation(flagKey: string, defaultValue: boolean, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, 'boolean');
  }
  async resolveStringEvaluation(flagKey: string, defaultValue: string, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, 'string');
  }
  async resolveNumberEvaluation(flagKey: string, defaultValue: number, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, 'number');
  }
  async resolveObjectEvaluation<T extends JsonValue>(flagKey: string, defaultValue: T, context: EvaluationContext) {
    return this.resolve(flagKey, defaultValue, context, 'object');
  }
}
