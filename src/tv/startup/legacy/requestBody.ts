// A GET whose body is read as text: through fetch where the engine has it, through
// XMLHttpRequest where it does not (WebKit 602, Chrome < 42: the TV engines of 2016–17).

/** A response read ahead: its status and its body as text. */
export interface ResponseBody {
  ok: boolean
  status: number
  text: string
}

async function readBody(res: Response): Promise<ResponseBody> {
  return { ok: res.ok, status: res.status, text: await res.text() }
}

/** Requests `url` with XMLHttpRequest; rejects on a network error, as fetch does. */
export function xhrBody(url: string): Promise<ResponseBody> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest()
    xhr.open('GET', url, true)
    xhr.onload = () => {
      // A packaged app's file:// read answers status 0 with the file's content.
      const fromFile = xhr.status === 0 && /^file:/i.test(url)
      const ok = (xhr.status >= 200 && xhr.status < 300) || fromFile
      resolve({ ok, status: fromFile ? 200 : xhr.status, text: xhr.responseText })
    }
    xhr.onerror = () => reject(new TypeError(`network error: ${url}`))
    xhr.ontimeout = xhr.onerror
    xhr.send()
  })
}

/**
 * The body of a GET of `url`, as text. A packaged app's own files (file:) always come through
 * XMLHttpRequest: WPE's fetch answers them with status 0, which reads as a failure.
 */
export function requestBody(url: string): Promise<ResponseBody> {
  // A relative URL is a file: one when the page itself is (no `location` outside a page, as in unit tests).
  const absolute = /^[a-z][a-z0-9+.-]*:/i.test(url)
  const fromFile = absolute ? /^file:/i.test(url) : typeof location !== 'undefined' && location.protocol === 'file:'
  return typeof fetch === 'function' && !fromFile ? fetch(url).then(readBody) : xhrBody(url)
}
