import { CLIP_FORMATS, STILL_FORMATS, outputChoiceSchema, type OutputChoice } from '../media/index.js'
import { zodProblems } from './problems.js'
import type { Problem } from './errors.js'

export { CLIP_FORMATS, FORMAT_BY_EXTENSION, OUTPUT_FORMATS, STILL_FORMATS, outputChoiceSchema, type OutputChoice, type OutputFormat } from '../media/index.js'

/** The output choice of a run request, or every problem with it named by field (`output.format`...) */
export function readOutputChoice (raw: unknown): { choice: OutputChoice } | { problems: Problem[] } {
  const parsed = outputChoiceSchema.safeParse(raw)
  if (parsed.success) return { choice: parsed.data }
  return { problems: zodProblems(parsed.error.issues, 'output', raw, 'bad-output', { '': Object.keys(outputChoiceSchema.shape) }) }
}

/** What a step's result is */
export type MediaKind = 'image' | 'video' | 'audio'

/** The kind of stored content from its sniffed media type; undefined when it says nothing useful */
export function mediaKindOf (mediaType: string | undefined): MediaKind | undefined {
  const top = mediaType?.split('/')[0]
  return top === 'image' || top === 'video' || top === 'audio' ? top : undefined
}

const KIND_WORDS: Record<MediaKind, string> = { image: 'a still picture', video: 'a clip', audio: 'sound only' }

/** A problem when the chosen format cannot hold what the run makes (a clip asked as png...) */
export function outputKindProblem (choice: OutputChoice, kind: MediaKind): Problem | undefined {
  const fits = kind === 'image' ? STILL_FORMATS : kind === 'video' ? CLIP_FORMATS : []
  if (fits.includes(choice.format)) return undefined
  const instead = fits.length === 0 ? 'no format can be chosen for it' : `choose ${fits.join(', ')}`
  return {
    path: 'output.format',
    code: 'output-mismatch',
    message: `"${choice.format}" ${STILL_FORMATS.includes(choice.format) ? 'is a still picture format' : 'is a clip format'}, but this run makes ${KIND_WORDS[kind]}: ${instead}`
  }
}
