import { randomBytes } from 'node:crypto';
import { createSecretBox, type SecretBox } from '../../kernel/secret-box.js';

/** A Standard Webhooks secret: `whsec_` and the base64 of 32 random bytes. */
export const newSigningSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Signing secrets at rest: sealed with the server's secret key (the server needs them in clear to sign). */
export const createWebhookSecretBox = (secretKey: string) => createSecretBox(secretKey, 'webhook signing secrets v1');
export type { SecretBox };
