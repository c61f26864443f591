/** Defaults of the web UI */
export const DEFAULT_PAGE_SIZE = 24
export const MAX_PAGE_SIZE = 100
/** runs shown on the home page */
export const RECENT_RUNS = 6
/** largest url-encoded form or pasted YAML the UI accepts */
export const MAX_FORM_BYTES = 256 * 1024
/** largest number of fields of one form */
export const MAX_FORM_FIELDS = 64
/** file name of the downloadable client */
export const CLIENT_FILE_NAME = 'artdag.cjs'
/** content listed as choices in input pickers */
export const PICKER_CONTENT = 50
