// The typed API of both engines is declared once, in @internal/dora-metrics-wasm.
export * from '@internal/dora-metrics-wasm';

/** Which engine answered: the native addon, or the wasm build it fell back to. */
export declare const engine: 'native' | 'wasm';

/** Packs events (objects) into the columns the *Columns functions take; it does not validate. */
export declare function toColumns(events: import('@internal/dora-metrics-wasm').Events): import('@internal/dora-metrics-wasm').EventColumns;

/** `stateReason` of an incident without one, in columns. */
export declare const NO_STRING: 0xffffffff;
