import { z } from 'zod'

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

/** Largest frame side a run, RESIZE or SEQUENCE may ask for (8K UHD) */
export const MAX_SIDE = 7680

/**
 * The one definition of an output choice: the planner reads a run request's choice with it (naming every
 * problem by field) and a step checks again the choice its config carries, as that also arrives through
 * the job queue. The result fits inside width x height (aspect kept, even sides for clips); one side
 * alone scales the other; fps is the frame rate of a clip.
 */
export const outputChoiceSchema = z.strictObject({
  format: z.enum(OUTPUT_FORMATS),
  width: z.number().int().min(2).max(MAX_SIDE).optional(),
  height: z.number().int().min(2).max(MAX_SIDE).optional(),
  fps: z.number().min(1).max(MAX_OUTPUT_FPS).optional()
}).describe('container/codec, size and frame rate of the result: mp4 (H.264, default), webm (VP9), gif, mov (ProRes 4444 with alpha), png or jpg (stills)')

export type OutputChoice = z.infer<typeof outputChoiceSchema>
