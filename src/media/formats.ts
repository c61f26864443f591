/**
 * What a run may ask of its result: a container/codec, a size and a frame rate.
 * - mp4: H.264 + AAC (the default when nothing is asked)
 * - webm: VP9 + Opus
 * - gif: 256-colour palette made from the clip, transparency kept (1-bit), no sound
 * - mov: ProRes 4444 with alpha + AAC
 * - png / jpg: still pictures only
 */
export const OUTPUT_FORMATS = ['mp4', 'webm', 'gif', 'mov', 'png', 'jpg'] as const
export type OutputFormat = typeof OUTPUT_FORMATS[number]
export const STILL_FORMATS: readonly OutputFormat[] = ['png', 'jpg']
export const CLIP_FORMATS: readonly OutputFormat[] = ['mp4', 'webm', 'gif', 'mov']
/** file name extensions that name a format (`-o out.jpeg`) */
export const FORMAT_BY_EXTENSION: Readonly<Record<string, OutputFormat>> = {
  mp4: 'mp4', m4v: 'mp4', webm: 'webm', gif: 'gif', mov: 'mov', png: 'png', jpg: 'jpg', jpeg: 'jpg'
}
/** the highest frame rate a run may ask for */
export const MAX_OUTPUT_FPS = 120

export interface OutputChoice {
  format: OutputFormat
  /** the result fits inside width x height (aspect kept, even sides); one side alone scales the other */
  width?: number
  height?: number
  /** frames per second of a clip */
  fps?: number
}

/**
 * The output choice a step's config carries. The planner validated it against the run request's rules;
 * this only checks the shape again, as a step's config also arrives through the job queue.
 */
export function stepOutputChoice (raw: unknown): OutputChoice | undefined {
  if (typeof raw !== 'object' || raw == null) return undefined
  const { format, width, height, fps } = raw as Record<string, unknown>
  const number = (v: unknown): boolean => v === undefined || (typeof v === 'number' && Number.isFinite(v) && v > 0)
  if (!OUTPUT_FORMATS.includes(format as OutputFormat) || !number(width) || !number(height) || !number(fps)) return undefined
  return raw as OutputChoice
}
