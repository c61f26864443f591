import type Router from '@koa/router'
import type { Context, Middleware } from 'koa'
import type { CID } from 'multiformats/cid'
import { BufferPool, CAR_CONTENT_TYPE, DEFAULT_EXPORT_READ_AHEAD, POOL_BUFFER_BYTES, RAW_BLOCK_CONTENT_TYPE, exportCar, fsBlockstoreOf, type CarBlockSource } from '../../store/index.js'
import { CLUSTER_TOKEN_HEADER, clusterTokenProblem, type SwarmKey } from '../../mesh/index.js'
import { startingWith } from '../../util/index.js'
import { answeredNotModified } from '../conditional.js'
import { IMMUTABLE_CACHE_CONTROL } from '../constants.js'
import { flatQuery, requestSignal } from '../context.js'
import type { ApiAuth } from '../ports.js'
import { ContentNotFoundError } from '../../store/index.js'
import { ClusterTokenRejectedError } from './errors.js'
import { pumpCar } from './car-response.js'
import { pathCid, responseFormat } from './format.js'

export { UnknownIpfsFormatError, ClusterTokenRejectedError } from './errors.js'

export interface IpfsRouteComponents {
  auth: Pick<ApiAuth, 'requireRead'>
  /**
   * the node's blocks; the route reads only local ones (never a network fetch). With the swarm key,
   * members of the cluster read with a cluster token even when anonymous reads are off
   */
  mesh: { readonly helia?: CarBlockSource, readonly swarmKey?: SwarmKey }
}

/**
 * `GET|HEAD /ipfs/{cid}?format=car|raw` (or `Accept: application/vnd.ipld.car|raw`): an IPIP-402
 * trustless-gateway answer from the local store only, so a peer can pull a whole DAG as one
 * verifiable CARv1 stream (the bulk path). Reads follow the same policy as `GET /cache/{cid}`, and
 * a member of the cluster may always read: it sends a cluster token (`x-artdag-cluster-token`, made
 * from the swarm key for this CID); a token that is sent is checked, and a bad one is a 401.
 */
export function ipfsRouter (components: IpfsRouteComponents, router: Router): Router {
  const helia = components.mesh.helia
  if (helia == null) return router
  router.get('/ipfs/:cid', memberOrReader(components), async (ctx) => {
    const cid = pathCid(ctx.params.cid ?? '')
    const format = responseFormat(flatQuery(ctx).format, ctx.get('accept'))
    ctx.set('X-Content-Type-Options', 'nosniff')
    ctx.set('Cache-Control', IMMUTABLE_CACHE_CONTROL)
    ctx.set('Vary', 'Accept')
    if (format === 'raw') await serveRaw(ctx, helia, cid)
    else await serveCar(ctx, helia, cid)
  })
  return router
}

function memberOrReader (components: IpfsRouteComponents): Middleware {
  const key = components.mesh.swarmKey
  return async (ctx, next) => {
    const token = ctx.get(CLUSTER_TOKEN_HEADER)
    if (token === '' || key == null) return await components.auth.requireRead(ctx, next)
    const problem = clusterTokenProblem(key, token, pathCid(ctx.params.cid ?? '').toString())
    if (problem != null) throw new ClusterTokenRejectedError(`${problem}; only members of this node's cluster (holders of its swarm key) read with a cluster token`)
    await next()
  }
}

const etagOf = (cid: CID, format: string): string => `"${cid.toString()}.${format}"`

async function serveCar (ctx: Context, helia: CarBlockSource, cid: CID): Promise<void> {
  if (answeredNotModified(ctx, etagOf(cid, 'car'))) return
  const signal = requestSignal(ctx)
  // leaves are read into reused buffers (filesystem blockstores), each handed back once the socket took it;
  // the pool keeps what the read-ahead and the response queue hold at once
  const pool = new BufferPool(POOL_BUFFER_BYTES, fsBlockstoreOf(helia.blockstore) != null ? DEFAULT_EXPORT_READ_AHEAD + 8 : 0)
  const car = exportCar(helia, cid, { signal, pool })
  // the root block is read before any header goes out: "not here" is a clean 404, not a broken stream
  const first = await car.next().catch((err: Error) => err)
  if (first instanceof Error) {
    if (first.name === 'CarBlockMissingError') throw new ContentNotFoundError(`${cid.toString()} is not in this node's store`)
    throw first
  }
  ctx.status = 200
  if (ctx.method === 'HEAD') {
    await car.return(undefined)
    ctx.set('Content-Type', CAR_CONTENT_TYPE)
    return
  }
  ctx.set('Content-Type', CAR_CONTENT_TYPE)
  // the route writes the body itself (chunks go back to the pool as the socket takes them); Koa stays out
  ctx.respond = false
  await pumpCar(ctx.res, startingWith(first, car), pool)
}

async function serveRaw (ctx: Context, helia: CarBlockSource, cid: CID): Promise<void> {
  if (answeredNotModified(ctx, etagOf(cid, 'raw'))) return
  const signal = requestSignal(ctx)
  if (!await helia.blockstore.has(cid, { signal })) throw new ContentNotFoundError(`${cid.toString()} is not in this node's store`)
  const parts: Uint8Array[] = []
  for await (const part of helia.blockstore.get(cid, { offline: true, signal })) parts.push(part)
  const bytes = Buffer.concat(parts)
  ctx.status = 200
  ctx.set('Content-Length', String(bytes.byteLength))
  if (ctx.method !== 'HEAD') ctx.body = bytes
  ctx.set('Content-Type', RAW_BLOCK_CONTENT_TYPE)
}
