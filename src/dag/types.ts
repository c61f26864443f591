import type { CacheId, Cid, PlanId, RecipeId } from './ids.js'

/** Node types of a recipe DAG */
export const NODE_TYPES = [
  'SOURCE', 'SEGMENT', 'RESIZE', 'TRANSFORM', 'SEQUENCE', 'LAYER', 'MUX', 'BLEND', 'AUDIO_MIX', 'EFFECT'
] as const
export type NodeType = typeof NODE_TYPES[number]

/** A recipe node after parsing (inputs flattened to an ordered list of node ids) */
export interface RecipeNode {
  id: string
  type: NodeType
  config: Record<string, unknown>
  inputs: string[]
}

/** A parsed, validated recipe */
export interface Recipe {
  name: string
  version?: string
  description?: string
  owner?: string
  registry: {
    assets: Record<string, { cid: Cid, url?: string }>
    effects: Record<string, { hash?: string, url?: string }>
  }
  nodes: RecipeNode[]
  output: string
}

/** A variable input the run must bind */
export interface VariableInput {
  nodeId: string
  /** config.name, or the node id when the node has no name */
  name: string
  description?: string
}

/** One step of a plan; steps are listed in topological order */
export interface PlanStep {
  /** recipe node id */
  id: string
  type: NodeType
  /** config with defaults applied (for EFFECT: params validated and defaulted) */
  config: Record<string, unknown>
  /** upstream step ids, in recipe order (order matters: SEQUENCE(a,b) != SEQUENCE(b,a)) */
  inputs: string[]
  cacheId: CacheId
  /** 0 for SOURCE, else 1 + max level of inputs */
  level: number
  /** for SOURCE steps: the content the step stands for (its output is this CID, nothing runs) */
  cid?: Cid
  /** for EFFECT steps */
  effect?: { name: string, version: string, hash: string }
}

export interface Plan {
  /** = run id */
  id: PlanId
  recipeId: RecipeId
  recipeName: string
  /** bound variable inputs, in recipe order */
  inputs: Array<{ nodeId: string, name: string, cid: Cid }>
  steps: PlanStep[]
  outputStep: string
  engine: string
}
