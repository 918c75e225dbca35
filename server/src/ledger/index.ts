export { createLedger, type Ledger, LEDGER_CONSUMER } from './service.js';
export { createLedgerStore, type LedgerStore } from './store.js';
export { loadNextLogSigner, loadOrCreateLogSigner, rotateLogKey } from './keys.js';
export { ledgerRootRoutes, ledgerRoutes } from './routes.js';
export { verifyLog, VerifyError } from './verify.js';
export {
  createDataAccessLog,
  createDataAccessRecorder,
  createDataAccessStore,
  dataAccessRoutes,
  type DataAccessLog,
} from './access/index.js';
export { checkCosignature, cosign, parseWitnessKey, parseWitnessVerifierKey, type Cosignature } from './cosignature.js';
export { createWitnessKey, witnessLog } from './witness.js';
