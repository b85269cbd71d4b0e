/** The wire protocol version a client and the relay agree on in the `hello` handshake. */
export const PROTOCOL_VERSION = 1;
