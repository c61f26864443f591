/**
 * Effects: the effect registry, the ffmpeg runner, the step executor (primitives + effects) and media analysis.
 *
 * Output rules of the step executor:
 * - a still image in -> a PNG out (alpha kept when the filters keep it), for non-temporal effects and for
 *   RESIZE / TRANSFORM / LAYER / BLEND of stills;
 * - anything with time -> MP4 (H.264 yuv420p via libx264 on a fixed thread count, AAC, +faststart);
 *   sound only -> M4A (AAC);
 * - temporal effects (echo, trails, strobe, color_cycle) on a still render a STILL_DURATION_S clip;
 * - identity (and a TRANSFORM with nothing to do) returns `{kind: 'input', index: 0}`: same bytes, same CID;
 * - randomness is seeded from the step's cache id; bitexact flags make re-renders byte-identical.
 */
export type { EffectCatalog, EffectDefinition, MediaFile, ParamSpec, StepExecutionInit, StepExecutor, StepOutput, StepSpec } from './types.js'
export { createEffectRegistry } from './registry.js'
export { describeEffect, effectCatalogue } from './catalogue.js'
export type { EffectEntry, ParamEntry } from './catalogue.js'
export { EFFECT_GROUPS } from './types.js'
export type { EffectGroup } from './types.js'
export type { EffectRegistry, EffectRegistryInit, RegisteredEffect } from './registry.js'
export type { EffectSpec, FilterContext, ResolvedParams } from './spec.js'
export { runFfmpeg } from './runner.js'
export type { RunFfmpegInit, RunFfmpegResult } from './runner.js'
export { probeMedia } from './probe.js'
export type { MediaInfo, ProbeInit } from './probe.js'
export { buildEffectCommand, prepareEffectCommand } from './effect-command.js'
export type { EffectCommandInit, PrepareEffectCommandInit } from './effect-command.js'
export { seedFromCacheId } from './encode.js'
export type { FfmpegCommand, OutputKind, ProbedInput } from './encode.js'
export * from './errors.js'
export { createStepExecutor } from './executor.js'
export type { StepExecutorInit } from './executor.js'
export { analyzeMedia, ANALYSIS_FEATURES } from './analysis.js'
export type { AnalysisFeature, AnalyzeInit, EnergyPoint, MediaAnalysis } from './analysis.js'
export { BLEND_MODES } from './primitives/blend.js'
export { RESIZE_MODES } from './primitives/resize.js'
export { TARGET_SIZES, TRANSITIONS } from './primitives/sequence.js'
export { TRANSFORM_RANGES } from './primitives/transform.js'
export { STILL_DURATION_S, STILL_FPS } from './constants.js'
export { clearWorkRoot } from './work-dirs.js'
