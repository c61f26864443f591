/**
 * The rest of an iteration whose first step was already taken (a route reads the first piece before it
 * answers, so a missing first block is an error status and not a stream cut short). Ending it early
 * ends the source too.
 */
export async function * startingWith<T> (first: IteratorResult<T>, rest: AsyncIterator<T>): AsyncGenerator<T> {
  try {
    if (first.done === true) return
    yield first.value
    for (let next = await rest.next(); next.done !== true; next = await rest.next()) yield next.value
  } finally {
    await rest.return?.()
  }
}
