/**
 * Iteration on data (issue 14): cookieless capture and dashboards, feature flags with release plans and OFREP,
 * experiments. The capability's one public surface; its three parts keep their own folders.
 */
export { createCapture, type Capture } from './capture/index.js';
export { createExperiments, flagAssigner, type Experiments } from './experiments/index.js';
export { apiErrorRateGuardrail, createFlags, eventRateGuardrail, evaluateFlag, type Flags } from './flags/index.js';
