/** The transparency log: an append-only Merkle tree of public events with signed checkpoints (RFC 9162, C2SP). */
/** The log as an event consumer (`LEDGER_CONSUMER`), its proofs and checkpoints, and its rebuild from the outbox. */
export { createLedger, type Ledger, LEDGER_CONSUMER } from './service.js';
/** SQL of the log's entries, tree nodes and checkpoints. */
export { createLedgerStore, type LedgerStore } from './store.js';
/** The Ed25519 key signing checkpoints: `log.key` in the data directory, generated on first start; its rotation. */
export { loadNextLogSigner, loadOrCreateLogSigner, rotateLogKey } from './keys.js';
/** The checkpoint and tlog-tiles at the root (/log/…), the JSON proofs under /api/v1. */
export { ledgerRootRoutes, ledgerRoutes } from './routes.js';
/** `multitude log verify`: checks an instance's log from its public tiles against a pinned key; throws VerifyError. */
export { verifyLog, VerifyError } from './verify.js';
/**
 * The personal-data access log: the recorder other capabilities are given (build it first), the person's view of
 * their records and the hiding of one for a legal reason, its SQL and routes.
 */
export {
  createDataAccessLog,
  createDataAccessRecorder,
  createDataAccessStore,
  dataAccessRoutes,
  type DataAccessLog,
} from './access/index.js';
/** C2SP tlog-cosignature: witness keys (type 0x04), cosigning a checkpoint, checking a cosignature. */
export { checkCosignature, cosign, parseWitnessKey, parseWitnessVerifierKey, type Cosignature } from './cosignature.js';
/** `multitude log witness` and `log witness-key`: verify another instance's log, then cosign it and hand it in. */
export { createWitnessKey, witnessLog } from './witness.js';
/** "My data": the export of everything a person put in (a zip of JSON and CSV, built in the background). */
export {
  createExportStore,
  createMyDataService,
  myDataRoutes,
  type ExportSection,
  type MyDataService,
} from './mydata/index.js';
