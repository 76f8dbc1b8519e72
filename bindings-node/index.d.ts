// The typed API of both engines is declared once, in @internal/dora-metrics-wasm.
export * from '@internal/dora-metrics-wasm';

/** Which engine answered: the native addon, or the wasm build it fell back to. */
export declare const engine: 'native' | 'wasm';
