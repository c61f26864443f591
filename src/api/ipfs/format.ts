import { CID } from 'multiformats/cid'
import { checkSupported } from '../../store/index.js'
import { InvalidCidError } from '../../store/index.js'
import { UnknownIpfsFormatError } from './errors.js'

export type IpfsFormat = 'car' | 'raw'

const ACCEPT: Readonly<Record<string, IpfsFormat>> = {
  'application/vnd.ipld.car': 'car',
  'application/vnd.ipld.raw': 'raw'
}

/**
 * The response format (IPIP-402): `?format=` wins, else the first IPLD media type in Accept.
 * A trustless gateway answers only verifiable formats, so anything else is a 400.
 */
export function responseFormat (format: string | undefined, accept: string): IpfsFormat {
  if (format != null) {
    if (format === 'car' || format === 'raw') return format
    throw new UnknownIpfsFormatError(`format "${format.slice(0, 40)}" is not supported; use car or raw`)
  }
  for (const part of accept.split(',')) {
    const type = part.split(';')[0]?.trim().toLowerCase() ?? ''
    const known = ACCEPT[type]
    if (known != null) return known
  }
  throw new UnknownIpfsFormatError('no response format: use ?format=car or ?format=raw, or Accept: application/vnd.ipld.car or application/vnd.ipld.raw')
}

/** The CID of the path, as one the CAR path can export */
export function pathCid (text: string): CID {
  let cid: CID
  try {
    cid = CID.parse(text)
  } catch {
    throw new InvalidCidError(`"${text.length > 80 ? text.slice(0, 77) + '...' : text}" is not a valid CID`)
  }
  try {
    checkSupported(cid)
  } catch (err) {
    throw new InvalidCidError((err as Error).message)
  }
  return cid
}
