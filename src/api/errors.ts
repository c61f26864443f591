import { DomainError } from '../util/index.js'

/** Errors raised by the HTTP layer itself */
export abstract class ApiError extends DomainError {}

/** No route matches the request path */
export class RouteNotFoundError extends ApiError {
  override name = 'RouteNotFoundError'
  readonly status = 404
  readonly code = 'not-found'
}

/** The path exists but not with this method; `Allow` lists the methods it has */
export class MethodNotAllowedError extends ApiError {
  override name = 'MethodNotAllowedError'
  readonly status = 405
  readonly code = 'method-not-allowed'
}

/** The body is not the JSON it claims to be */
export class MalformedJsonError extends ApiError {
  override name = 'MalformedJsonError'
  readonly status = 400
  readonly code = 'malformed-json'
}

/** The body has a Content-Type this endpoint does not accept */
export class UnsupportedMediaTypeError extends ApiError {
  override name = 'UnsupportedMediaTypeError'
  readonly status = 415
  readonly code = 'unsupported-media-type'
}

/** Params, query or body fail their schema; `details` lists every problem with its path */
export class RequestValidationError extends ApiError {
  override name = 'RequestValidationError'
  readonly status = 400
  readonly code = 'invalid-request'
  constructor (message: string, details: Array<{ path: string, message: string }>) {
    super(message)
    this.details = details
    this.title = 'The request has problems:'
  }
}

/** A multipart upload is malformed (no file part, truncated, several files) */
export class BadUploadError extends ApiError {
  override name = 'BadUploadError'
  readonly status = 400
  readonly code = 'bad-upload'
}

/** A Range header that cannot be satisfied for this content (416, with `Content-Range: bytes *\/size`) */
export class RangeNotSatisfiableError extends ApiError {
  override name = 'RangeNotSatisfiableError'
  readonly status = 416
  readonly code = 'range-not-satisfiable'
  constructor (message: string, size: number) {
    super(message)
    this.headers = { 'Content-Range': `bytes */${size}` }
  }
}
