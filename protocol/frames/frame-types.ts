/** Frame type bytes of PROTOCOL.md §12.2. */
export const CLIENT_FRAME = {
  AUTH: 0x10,
  VAULT_CREATE: 0x11,
  PAIR_WAIT: 0x12,
  PAIR_PROVIDE: 0x13,
  LINK_HELLO: 0x14,
  LINK_CLAIM: 0x15,
  MEMBER_GET: 0x20,
  MEMBER_APPEND: 0x21,
  WRAP_GET: 0x22,
  HEADS_GET: 0x23,
  SYNC: 0x30,
  PUSH: 0x31,
  SNAPSHOT_PUT: 0x32,
  FETCH: 0x33,
  PRESENCE: 0x34,
  UNSUBSCRIBE: 0x35,
  BLOB_PUT: 0x40,
  BLOB_CHUNK: 0x41,
  BLOB_GET: 0x42,
  ACCESS_SUBMIT: 0x50,
  ACCESS_GET: 0x51,
  KEYBOX_GET: 0x52,
  DEPOSIT: 0x53,
} as const;

export const RELAY_FRAME = {
  ACK: 0x80,
  MEMBER_ENTRIES: 0x81,
  WRAPS: 0x82,
  RECORDS: 0x83,
  SYNC_DONE: 0x84,
  PRESENCE_FWD: 0x85,
  PROVISION: 0x86,
  BLOB_DATA: 0x87,
  ACCESS_ENTRIES: 0x88,
  KEYBOX: 0x89,
  LINK_INFO: 0x8a,
  NOTICE: 0x8b,
  SESSION: 0x8c,
  HEADS: 0x8d,
} as const;

export type ClientFrameName = keyof typeof CLIENT_FRAME;
export type RelayFrameName = keyof typeof RELAY_FRAME;

/** NOTICE kinds (§12.2). */
export const NOTICE = {
  HEAD_ADVANCED: 1,
  RECORD_DELETED: 2,
  VAULT_CLOSED: 3,
  VAULT_REOPENED: 4,
  SESSION_ENDS: 5,
} as const;
