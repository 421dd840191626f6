// A few lines instead of a UI framework: element creation with attributes, listeners and children.

export type Child = Node | string | number | null | undefined | false | Child[]

export type Props = Record<string, string | number | boolean | null | undefined | EventListener>

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props?: Props | null, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  if (props) {
    for (const k of Object.keys(props)) {
      const v = props[k]
      if (v === null || v === undefined || v === false) continue
      if (typeof v === 'function') el.addEventListener(k.slice(2), v)
      else if (k === 'class') el.className = String(v)
      else el.setAttribute(k, v === true ? '' : String(v))
    }
  }
  append(el, children)
  return el
}

export function append(parent: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue
    if (Array.isArray(c)) append(parent, c)
    else parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)))
  }
}

/** Replaces an element's children. */
export function fill(el: Element, ...children: Child[]): void {
  while (el.firstChild) el.removeChild(el.firstChild)
  append(el, children)
}

/** Sets text only when it differs (no needless announcements in live regions). */
export function setText(el: Element, text: string): void {
  if (el.textContent !== text) el.textContent = text
}
