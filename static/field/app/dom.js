// Building the app's pages: elements made one by one, text always as text (a firm's name is
// whatever someone typed), never HTML.

/**
 * An element with its attributes and children: `h("p", {class: "small"}, "text", child)`.
 * An attribute `false`, `null` or `undefined` is left out; `true` is written bare; a name
 * starting with "on" adds the function as an event listener.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    if (name.startsWith("on")) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/** A translated text with its %(name)s placeholders filled in. */
export function fill(text, params = {}) {
  return text.replace(/%\((\w+)\)s/g, (_, name) => String(params[name] ?? ""));
}

/** The text of a bundle's {"en": …, "es": …} in the page's language (or any there is). */
export function localized(text, language) {
  if (text === null || text === undefined) return "";
  if (typeof text === "string") return text;
  return text[language] ?? text.en ?? Object.values(text)[0] ?? "";
}

/** Shows a page in `view`, its heading focused for screen readers and keyboards. */
export function show(view, ...children) {
  view.replaceChildren(
    ...children
      .flat(Infinity)
      .filter((child) => child !== null && child !== undefined && child !== false),
  );
  const heading = view.querySelector("h1");
  if (heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus();
  }
  window.scrollTo(0, 0);
}
