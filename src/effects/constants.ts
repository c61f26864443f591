/** Defaults of the effects area */
export const DEFAULT_FFMPEG_PATH = 'ffmpeg'
export const DEFAULT_FFPROBE_PATH = 'ffprobe'
/** where the bundled assets live, relative to the package root (found by walking up from this file) */
export const ASSETS_SUBDIR = 'config/assets'
/** a step that runs longer is killed */
export const DEFAULT_FFMPEG_TIMEOUT_MS = 30 * 60_000
/** time between SIGTERM and SIGKILL when ffmpeg is stopped */
export const KILL_GRACE_MS = 2_000
/** lines of ffmpeg's stderr kept for error messages */
export const STDERR_TAIL_LINES = 20
/** an image that has to become a clip (temporal effect, SEGMENT, SEQUENCE...) is held this long */
export const STILL_DURATION_S = 2
/** frame rate of clips made from stills */
export const STILL_FPS = 25
/**
 * x264 threads, fixed (not "auto" = per-core) so two machines render the same bytes for the same step.
 * Changing it changes outputs: bump ENGINE_SALT in src/dag/constants.ts too.
 */
export const X264_THREADS = 2
export const AUDIO_SAMPLE_RATE = 48_000
/** scene-change threshold of analyzeMedia (ffmpeg `scene` score, 0..1) */
export const DEFAULT_SCENE_THRESHOLD = 0.3
/** window of the audio energy curve, seconds */
export const DEFAULT_ENERGY_WINDOW_S = 0.5
