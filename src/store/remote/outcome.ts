import { ContentNotFoundError, FetchTimeoutError, PeerBrokeOffError } from '../errors.js'

/** how one attempt at a peer ended */
export type AttemptKind = 'absent' | 'unreachable' | 'broke' | 'timeout'

export interface AttemptFailure {
  kind: AttemptKind
  /** `http <url>` or `libp2p <peer>`, then the cause */
  text: string
}

/**
 * What an attempt's error means. A peer that answered it lacks the DAG is `absent`; one that could not
 * be reached `unreachable`; silence past the deadline is `timeout`; anything else once blocks had
 * arrived (a cut connection, a truncated stream, a block that does not match its CID) is `broke`, and
 * before any block arrived it is `unreachable` (the peer never delivered).
 */
export function kindOf (err: Error, blocksArrived: number): AttemptKind {
  switch (err.name) {
    case 'CarRemoteError': return 'absent'
    case 'CarPeerUnreachableError': return 'unreachable'
    case 'CarTimeoutError': return 'timeout'
    default: return blocksArrived > 0 ? 'broke' : 'unreachable'
  }
}

/**
 * The one error a failed lookup ends with: a peer that broke off (502) before a peer that went silent
 * (504) before "nobody has it" (404); the message lists what each peer answered.
 */
export function failureOf (cid: string, peers: number, failures: AttemptFailure[]): Error {
  const reasons = failures.map((f) => f.text).join('; ')
  const broke = failures.find((f) => f.kind === 'broke')
  if (broke != null) return new PeerBrokeOffError(`a peer broke off while sending ${cid}: ${broke.text}${failures.length > 1 ? ` (all attempts: ${reasons})` : ''}`)
  const silent = failures.find((f) => f.kind === 'timeout')
  if (silent != null) return new FetchTimeoutError(`fetching ${cid} timed out: ${silent.text}${failures.length > 1 ? ` (all attempts: ${reasons})` : ''}`)
  return new ContentNotFoundError(`content ${cid} is not held here, and none of the ${peers} peer(s) asked has it: ${reasons}`)
}

/** the lookup had no peer to ask */
export function nobodyToAsk (cid: string): Error {
  return new ContentNotFoundError(`content ${cid} is not held here, and no peer is connected or known to hold it`)
}
