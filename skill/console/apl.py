"""A small APL renderer for the console's Echo Show preview: the document and datasource of the skill's own
RenderDocument directive, turned into HTML with inline styles.

It reads the document rather than the datasource alone, so a change in skill/alexa/screens/ (a colour, a size, a
new Text bound to the datasource) shows in the preview. It covers what those documents use and no more: resources
chosen by `when`, layouts with parameters, Frame, Container (row or column, wrap, data-driven children), ScrollView
and Text, `${...}` expressions over the datasource and the viewport, and dp, vw, vh and % sizes. Anything else is
drawn as an empty box named after its type, so a document that outgrows the preview shows that it has. Every text
is escaped: the datasource carries routine names and cues, never markup.
"""

from __future__ import annotations

import html
import operator
import re
from dataclasses import dataclass
from typing import Any, Iterator, Mapping, Sequence

# APL's defaults where a document leaves a property out (the dark theme's text colour, 40dp type).
DEFAULT_TEXT_COLOR = "#FAFAFA"
DEFAULT_FONT_SIZE = 40.0
DP_PER_INCH = 160  # APL's dp: a pixel at 160 dpi


@dataclass(frozen=True)
class Viewport:
    """What the document's `viewport` expressions see, in dp."""

    shape: str  # "rectangle" or "round"
    width: float
    height: float

    @classmethod
    def from_context(cls, viewport: Mapping[str, Any] | None) -> Viewport:
        """From a request's context.Viewport (pixels at a dpi), as the device declares it."""
        viewport = viewport or {}
        dpi = float(viewport.get("dpi") or DP_PER_INCH)
        scale = DP_PER_INCH / dpi
        shape = "round" if str(viewport.get("shape", "")).upper() == "ROUND" else "rectangle"
        return cls(shape, float(viewport.get("pixelWidth") or 1280) * scale,
                   float(viewport.get("pixelHeight") or 800) * scale)

    def as_data(self) -> dict[str, Any]:
        return {"shape": self.shape, "width": self.width, "height": self.height}


class AplError(ValueError):
    """The document cannot be read by this renderer (an expression it does not know, say)."""


def render(document: Mapping[str, Any], datasources: Mapping[str, Any], viewport: Viewport) -> str:
    """The document's main template, bound to `datasources`, as one HTML fragment sized to the viewport in px."""
    context = {"viewport": viewport.as_data()}
    resources = _resources(document.get("resources") or [], context)
    template = document.get("mainTemplate") or {}
    parameters = template.get("parameters") or []
    if parameters:  # APL binds the whole datasources object to the first parameter
        context[parameters[0]] = datasources
    renderer = _Renderer(resources, document.get("layouts") or {}, viewport)
    item = _first_shown(_children(template), context)
    inner = renderer.component(item, context, parent_direction="column", index=0) if item else ""
    return (f'<div class="apl-screen" style="position:relative;overflow:hidden;width:{_px(viewport.width)};'
            f'height:{_px(viewport.height)};background:#000;font-family:sans-serif">{inner}</div>')


def _resources(blocks: Sequence[Mapping[str, Any]], context: Mapping[str, Any]) -> dict[str, Any]:
    """Every resource whose block applies, later blocks overriding earlier ones, as APL reads them."""
    found: dict[str, Any] = {}
    for block in blocks:
        if "when" in block and not _truthy(evaluate(block["when"], context)):
            continue
        for kind in ("colors", "dimensions", "strings", "numbers", "booleans"):
            found.update(block.get(kind) or {})
    return found


def _children(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    items = node.get("items", node.get("item"))
    if items is None:
        return []
    return list(items) if isinstance(items, list) else [items]


def _first_shown(items: Sequence[Mapping[str, Any]], context: Mapping[str, Any]) -> Mapping[str, Any] | None:
    return next((item for item in items if _shown(item, context)), None)


def _shown(item: Mapping[str, Any], context: Mapping[str, Any]) -> bool:
    return "when" not in item or _truthy(evaluate(item["when"], context))


class _Renderer:
    def __init__(self, resources: Mapping[str, Any], layouts: Mapping[str, Any], viewport: Viewport):
        self.resources = resources
        self.layouts = layouts
        self.viewport = viewport

    def value(self, raw: Any, context: Mapping[str, Any]) -> Any:
        """A property's value: a resource reference (@name), an expression, or the literal."""
        if isinstance(raw, str) and raw.startswith("@") and raw[1:] in self.resources:
            return self.value(self.resources[raw[1:]], context)
        if isinstance(raw, str) and "${" in raw:
            return evaluate(raw, context)
        return raw

    def component(self, item: Mapping[str, Any], context: Mapping[str, Any], parent_direction: str,
                  index: int) -> str:
        kind = item.get("type", "")
        if kind in self.layouts:
            return self._layout(item, context, parent_direction, index)
        props = {key: self.value(raw, context) for key, raw in item.items()
                 if key not in ("type", "when", "items", "item", "data")}
        style = self._box_style(props, parent_direction, index)
        if kind == "Text":
            return self._text(props, style)
        if kind == "Frame":
            if props.get("backgroundColor"):
                style.append(f"background:{_css_text(props['backgroundColor'])}")
            if props.get("borderRadius") is not None:
                style.append(f"border-radius:{self.size(props['borderRadius'])}")
            style += ["display:flex", "flex-direction:column", "align-items:flex-start"]
            child = _first_shown(_children(item), context)
            inner = self.component(child, context, "column", 0) if child else ""
            return _element("apl-frame", style, inner)
        if kind in ("Container", "ScrollView"):
            return self._container(kind, item, props, context, style)
        return _element("apl-unknown", style, "", data={"apl-type": kind})

    def _layout(self, item: Mapping[str, Any], context: Mapping[str, Any], parent_direction: str, index: int) -> str:
        layout = self.layouts[item["type"]]
        bound = dict(context)
        for parameter in layout.get("parameters") or []:
            name = parameter if isinstance(parameter, str) else parameter.get("name")
            default = None if isinstance(parameter, str) else parameter.get("default")
            bound[name] = self.value(item.get(name, default), context)
        inner = _first_shown(_children(layout), bound)
        if inner is None:
            return ""
        # Properties set where the layout is used (spacing, grow...) apply to the component it inflates to.
        outer = {key: raw for key, raw in item.items()
                 if key not in ("type", "when") and key not in bound and key not in ("items", "item", "data")}
        return self.component({**inner, **outer}, bound, parent_direction, index)

    def _container(self, kind: str, item: Mapping[str, Any], props: Mapping[str, Any],
                   context: Mapping[str, Any], style: list[str]) -> str:
        direction = "row" if kind == "Container" and props.get("direction") in ("row", "rowReverse") else "column"
        style += ["display:flex", f"flex-direction:{direction}"]
        if kind == "ScrollView":
            style.append("overflow:hidden")
        if props.get("wrap") in ("wrap", "wrapReverse"):
            style.append("flex-wrap:wrap")
        style.append(f"align-items:{_ALIGN.get(props.get('alignItems', 'stretch'), 'stretch')}")
        if props.get("justifyContent"):
            style.append(f"justify-content:{_JUSTIFY.get(props['justifyContent'], 'flex-start')}")
        rendered = [self.component(child, child_context, direction, index)
                    for index, (child, child_context) in enumerate(self._inflated(item, context))]
        return _element("apl-container" if kind == "Container" else "apl-scroll", style, "".join(rendered))

    def _inflated(self, item: Mapping[str, Any], context: Mapping[str, Any]
                  ) -> Iterator[tuple[Mapping[str, Any], Mapping[str, Any]]]:
        """The children to draw: each shown item, or with `data`, the first shown item once per data element."""
        children = _children(item)
        if "data" in item:
            data = self.value(item["data"], context)
            for position, element in enumerate(data if isinstance(data, list) else []):
                child_context = {**context, "data": element, "index": position}
                child = _first_shown(children, child_context)
                if child is not None:
                    yield child, child_context
            return
        for child in children:
            if _shown(child, context):
                yield child, context

    def _text(self, props: Mapping[str, Any], style: list[str]) -> str:
        style.append(f"font-size:{self.size(props.get('fontSize', DEFAULT_FONT_SIZE))}")
        style.append(f"color:{_css_text(props.get('color') or DEFAULT_TEXT_COLOR)}")
        weight = props.get("fontWeight", "normal")
        style.append(f"font-weight:{'700' if weight == 'bold' else _css_text(weight)}")
        if props.get("textAlign") in ("left", "center", "right"):
            style.append(f"text-align:{props['textAlign']}")
        lines = props.get("maxLines")
        if isinstance(lines, int) and lines > 0:
            style += ["display:-webkit-box", "-webkit-box-orient:vertical", f"-webkit-line-clamp:{lines}",
                      "overflow:hidden"]
        style.append("line-height:1.25")
        text = "" if props.get("text") is None else str(props["text"])
        return _element("apl-text", style, html.escape(text))

    def _box_style(self, props: Mapping[str, Any], parent_direction: str, index: int) -> list[str]:
        style = ["box-sizing:border-box"]
        for name, css in (("width", "width"), ("height", "height"), ("minWidth", "min-width"),
                          ("maxWidth", "max-width"), ("minHeight", "min-height"), ("maxHeight", "max-height")):
            if props.get(name) is not None:
                style.append(f"{css}:{self.size(props[name])}")
        for side in ("Left", "Right", "Top", "Bottom"):
            value = props.get(f"padding{side}", props.get("padding"))
            if value is not None:
                style.append(f"padding-{side.lower()}:{self.size(value)}")
        if index > 0 and props.get("spacing") is not None:  # APL's spacing goes before every child but the first
            style.append(f"margin-{'left' if parent_direction == 'row' else 'top'}:{self.size(props['spacing'])}")
        style.append(f"flex-grow:{_number(props.get('grow', 0))}")
        style.append(f"flex-shrink:{_number(props.get('shrink', 0))}")
        return style

    def size(self, value: Any) -> str:
        """An APL dimension as CSS: dp as px (the preview is drawn at 1 px per dp), vw and vh of the viewport."""
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return _px(value)
        text = str(value).strip()
        match = re.fullmatch(r"(-?\d+(?:\.\d+)?)\s*(dp|px|vw|vh|%)?", text)
        if not match:
            return "auto"
        number, unit = float(match.group(1)), match.group(2) or "dp"
        if unit == "vw":
            return _px(number * self.viewport.width / 100)
        if unit == "vh":
            return _px(number * self.viewport.height / 100)
        return f"{number:g}%" if unit == "%" else _px(number)


_ALIGN = {"start": "flex-start", "end": "flex-end", "center": "center", "stretch": "stretch",
          "baseline": "baseline"}
_JUSTIFY = {"start": "flex-start", "end": "flex-end", "center": "center", "spaceBetween": "space-between",
            "spaceAround": "space-around", "spaceEvenly": "space-evenly"}


def _element(kind: str, style: list[str], inner: str, data: Mapping[str, str] | None = None) -> str:
    attributes = "".join(f' data-{key}="{html.escape(value)}"' for key, value in (data or {}).items())
    return f'<div class="{kind}" style="{html.escape(";".join(style))}"{attributes}>{inner}</div>'


def _px(number: float) -> str:
    return f"{float(number):g}px"


def _number(value: Any) -> str:
    return f"{float(value):g}" if isinstance(value, (int, float)) and not isinstance(value, bool) else "0"


def _css_text(value: Any) -> str:
    """A colour or keyword from the document, kept to characters a CSS value of that kind has."""
    return re.sub(r"[^#\w.,()% -]", "", str(value))


def _truthy(value: Any) -> bool:
    """APL's truthiness: false, null, 0 and the empty string are false."""
    return value not in (False, None, 0, "") if not isinstance(value, (list, dict)) else True


# --- expressions ---------------------------------------------------------------------------------------------
_TOKEN = re.compile(r"\s*(?:(?P<number>\d+(?:\.\d+)?)|(?P<string>'[^']*'|\"[^\"]*\")|(?P<name>[A-Za-z_]\w*)"
                    r"|(?P<op>==|!=|>=|<=|&&|\|\||[<>!?:.()\[\]]))")


def evaluate(text: str, context: Mapping[str, Any]) -> Any:
    """A property's text: a single `${...}` gives the expression's own value (a list, a boolean); text around one
    or more gives the joined string, as APL's data binding does."""
    parts = re.split(r"\$\{(.*?)\}", text)
    if len(parts) == 3 and parts[0] == "" and parts[2] == "":
        return _Expression(parts[1], context).value()
    out = []
    for position, part in enumerate(parts):
        if position % 2:
            value = _Expression(part, context).value()
            out.append("" if value is None else _shown_value(value))
        else:
            out.append(part)
    return "".join(out)


def _shown_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class _Expression:
    """Recursive descent over APL's data-binding grammar, as far as the screens use it: paths, strings, numbers,
    comparisons, !, && and ||, a ? b : c, and parentheses."""

    def __init__(self, text: str, context: Mapping[str, Any]):
        self.text = text
        self.context = context
        self.tokens = self._tokenise(text)
        self.position = 0

    def _tokenise(self, text: str) -> list[tuple[str, str]]:
        tokens, at = [], 0
        while at < len(text):
            if text[at:].strip() == "":
                break
            match = _TOKEN.match(text, at)
            if not match:
                raise AplError(f"cannot read the expression {text!r} at {text[at:]!r}")
            kind = match.lastgroup
            tokens.append((kind, match.group(kind)))
            at = match.end()
        return tokens

    def value(self) -> Any:
        result = self._ternary()
        if self.position != len(self.tokens):
            raise AplError(f"unexpected {self.tokens[self.position][1]!r} in {self.text!r}")
        return result

    def _peek(self) -> str | None:
        return self.tokens[self.position][1] if self.position < len(self.tokens) else None

    def _take(self, expected: str | None = None) -> tuple[str, str]:
        if self.position >= len(self.tokens):
            raise AplError(f"the expression {self.text!r} ends too soon")
        token = self.tokens[self.position]
        if expected is not None and token[1] != expected:
            raise AplError(f"expected {expected!r} in {self.text!r}, found {token[1]!r}")
        self.position += 1
        return token

    def _ternary(self) -> Any:
        condition = self._or()
        if self._peek() == "?":
            self._take("?")
            yes = self._ternary()
            self._take(":")
            no = self._ternary()
            return yes if _truthy(condition) else no
        return condition

    def _or(self) -> Any:
        left = self._and()
        while self._peek() == "||":
            self._take()
            right = self._and()
            left = left if _truthy(left) else right
        return left

    def _and(self) -> Any:
        left = self._comparison()
        while self._peek() == "&&":
            self._take()
            right = self._comparison()
            left = right if _truthy(left) else left
        return left

    def _comparison(self) -> Any:
        left = self._unary()
        while self._peek() in _COMPARISONS:
            symbol = self._take()[1]
            right = self._unary()
            left = _compare(symbol, left, right)
        return left

    def _unary(self) -> Any:
        if self._peek() == "!":
            self._take()
            return not _truthy(self._unary())
        return self._primary()

    def _primary(self) -> Any:
        kind, text = self._take()
        if kind == "number":
            return float(text) if "." in text else int(text)
        if kind == "string":
            return text[1:-1]
        if text == "(":
            inner = self._ternary()
            self._take(")")
            return inner
        if kind != "name":
            raise AplError(f"unexpected {text!r} in {self.text!r}")
        if text in ("true", "false", "null"):
            return {"true": True, "false": False, "null": None}[text]
        value = self.context.get(text)
        while self._peek() in (".", "["):
            if self._take()[1] == ".":
                key = self._take()[1]
            else:
                key = self._ternary()
                self._take("]")
            value = _member(value, key)
        return value


def _member(value: Any, key: Any) -> Any:
    if isinstance(value, Mapping):
        return value.get(key)
    if isinstance(value, list) and isinstance(key, int) and -len(value) <= key < len(value):
        return value[key]
    if isinstance(value, list) and key == "length":
        return len(value)
    return None


_COMPARISONS = {"==": operator.eq, "!=": operator.ne, ">=": operator.ge, "<=": operator.le, ">": operator.gt,
                "<": operator.lt}


def _compare(symbol: str, left: Any, right: Any) -> bool:
    try:
        return _COMPARISONS[symbol](left, right)
    except TypeError:  # APL compares a missing value with a number as false, never an error
        return False
