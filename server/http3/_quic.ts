// The part of Deno's QUIC API (`Deno.QuicEndpoint`, unstable: `--unstable-net`) this server uses,
// typed here so the package type-checks for users who have not enabled unstable APIs; at run time
// the constructor is looked up and its absence reported as a configuration error.

/** Close code and reason of a connection. */
export interface QuicCloseInfo {
  closeCode: number;
  reason: string;
}

/** A receive stream (`Deno.QuicReceiveStream`). */
export type QuicReceiveStream = ReadableStream<Uint8Array> & { readonly id: bigint };
/** A send stream (`Deno.QuicSendStream`). */
export type QuicSendStream = WritableStream<Uint8Array> & { readonly id: bigint };

/** A bidirectional stream (`Deno.QuicBidirectionalStream`). */
export interface QuicBidirectionalStream {
  readonly readable: QuicReceiveStream;
  readonly writable: QuicSendStream;
}

/** A connection (`Deno.QuicConn`). */
export interface QuicConn {
  close(info?: QuicCloseInfo): void;
  createUnidirectionalStream(): Promise<QuicSendStream>;
  readonly remoteAddr: Deno.NetAddr;
  readonly closed: Promise<QuicCloseInfo>;
  readonly incomingBidirectionalStreams: ReadableStream<QuicBidirectionalStream>;
  readonly incomingUnidirectionalStreams: ReadableStream<QuicReceiveStream>;
}

/** An incoming connection (`Deno.QuicIncoming`). */
export interface QuicIncoming {
  accept(): Promise<QuicConn>;
}

/** A listener (`Deno.QuicListener`). */
export interface QuicListener extends AsyncIterable<QuicIncoming> {
  stop(): void;
}

/** Options of `QuicEndpoint.listen`. */
export interface QuicListenOptions {
  cert: string;
  key: string;
  alpnProtocols: string[];
  maxConcurrentBidirectionalStreams: number;
  maxConcurrentUnidirectionalStreams: number;
  maxIdleTimeout: number;
}

/** A UDP endpoint (`Deno.QuicEndpoint`). */
export interface QuicEndpoint {
  readonly addr: Deno.NetAddr;
  listen(options: QuicListenOptions): QuicListener;
  close(info?: QuicCloseInfo): void;
}

/** `Deno.QuicEndpoint`, or undefined without `--unstable-net`. */
export function quicEndpointClass():
  | (new (options: { hostname: string; port: number }) => QuicEndpoint)
  | undefined {
  const ctor = (Deno as unknown as Record<string, unknown>).QuicEndpoint;
  return typeof ctor === "function"
    ? ctor as new (options: { hostname: string; port: number }) => QuicEndpoint
    : undefined;
}
