"""ask-sdk's DefaultSerializer, made fast: the same model objects from Alexa's JSON, the same JSON from them.

Why it is built this way: README.md, "Design notes".
"""

from __future__ import annotations

import decimal
import enum
import importlib
import json
import re
import time
from datetime import date, datetime
from typing import Any, Callable

from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model.services import Serializer
from dateutil import tz

Converter = Callable[[Any], Any]

# ask-sdk's own patterns for container type strings (ask_sdk_core.serialize), so both read them alike
_LIST_TYPE = re.compile(r"list\[(.*)\]")
_DICT_TYPE = re.compile(r"dict\(([^,]*), (.*)\)")
_PRIMITIVES = {"int": int, "long": int, "float": float, "str": str, "bool": bool}
_PRIMITIVE_CLASSES = frozenset((float, bool, bytes, str, int))
_JSON_LEAVES = frozenset((str, int, float, bool, type(None)))  # serialized as they are
# Alexa's own format: 2026-11-21T08:00:00Z, sometimes with milliseconds. Anything else is dateutil's to read.
_ALEXA_TIMESTAMP = re.compile(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,6}))?Z", re.ASCII)


class PlainJson(dict):
    """A JSON object that is already JSON-ready and is never changed: `serialize` hands it on as it is.

    For constant data a response carries on every turn (skill.alexa.screen's APL documents, 7 KB): ask-sdk's serializer
    would rebuild it, a dict and a list at a time, only to get an equal copy. The promise is the maker's: only
    str, int, float, bool, None, plain lists and dicts inside, none of them changed after it is made (a test holds
    the screens' documents to it). Serialized by ask-sdk's own DefaultSerializer it is just a dict.
    """

    __slots__ = ()


class NotCovered(Exception):
    """A value the plans do not handle; `deserialize` answers with the SDK instead."""


class FastSerializer(Serializer):
    """A drop-in for ask-sdk's DefaultSerializer (the skill's request and response, and the service clients)."""

    def __init__(self) -> None:
        self.sdk = DefaultSerializer()
        # The SDK's recursive step for one value: the fallback for a shape the plans leave alone. ask-sdk-core
        # is pinned; tests/test_fast_serializer.py fails if a new version renames it.
        self._sdk_value: Callable[[Any, Any], Any] = getattr(self.sdk, "_DefaultSerializer__deserialize")
        self._converters: dict[Any, Converter] = {}
        self._builders: dict[type, Converter | None] = {}
        self._classes: dict[str, type] = {}
        self._writers: dict[type, Converter] = {}
        self._zulu = _ZuluTime()
        self.fallbacks = 0  # payloads the SDK answered for in full; none for anything Alexa sends
        self.values_by_sdk = 0  # values inside a payload the SDK's own step converted (an odd timestamp...)

    # -- JSON in -------------------------------------------------------------------------------------------

    def deserialize(self, payload: str | bytes | None, obj_type: Any) -> Any:
        """DefaultSerializer.deserialize: the same objects, or the same exception."""
        if payload is None:
            return None
        try:
            return self.from_json(json.loads(payload), obj_type)
        except Exception:  # malformed JSON, a value the SDK rejects, or one the plans do not cover
            self.fallbacks += 1
            return self.sdk.deserialize(payload, obj_type)

    def deserialize_data(self, data: Any, obj_type: Any) -> Any:
        """`deserialize` for JSON already parsed, such as Lambda's event, without a json.dumps and json.loads
        round trip: the objects share the event's plain values (session attributes...) as they would share
        json.loads' output. Input the plans do not take goes to the SDK as JSON text, as before."""
        try:
            return self.from_json(data, obj_type)
        except Exception:
            self.fallbacks += 1
            return self.sdk.deserialize(json.dumps(data), obj_type)

    def from_json(self, data: Any, obj_type: Any) -> Any:
        """Already-parsed JSON as `obj_type` (a model class or one of ask-sdk's type strings). No fallback for
        the whole: raises NotCovered, or the error the plan met, where `deserialize` would ask the SDK."""
        if data is None:
            return None
        converter = self._converters.get(obj_type) or self._converter(obj_type)
        return converter(data)

    def _converter(self, obj_type: Any) -> Converter:
        """The function that turns JSON into `obj_type`, made once per type, following the SDK's __deserialize."""
        converter = self._converters.get(obj_type)
        if converter is None:
            converter = self._converters[obj_type] = self._make_converter(obj_type)
        return converter

    def _make_converter(self, declared: Any) -> Converter:
        sdk_value = self._sdk_value

        def by_sdk(data: Any) -> Any:
            self.values_by_sdk += 1
            return sdk_value(data, declared)

        obj_type = declared
        if isinstance(declared, str):
            if declared.startswith("list["):
                return self._list_converter(declared, by_sdk) or by_sdk
            if declared.startswith("dict("):
                return self._dict_converter(declared, by_sdk) or by_sdk
            if declared in _PRIMITIVES:
                return _primitive_converter(_PRIMITIVES[declared])
            if declared == "object":
                return _same
            if declared == "datetime":
                return self._datetime_converter(by_sdk)
            if "." not in declared:  # 'date', or a class the SDK looks for in its own module
                return by_sdk
            try:
                obj_type = self._load_class(declared)
            except Exception:  # the SDK raises its own error for this field, if the field ever comes
                return by_sdk
        if obj_type in _PRIMITIVE_CLASSES:
            return _primitive_converter(obj_type)
        if obj_type is object:
            return _same
        if not isinstance(obj_type, type) or obj_type in (date, datetime):
            return by_sdk
        if issubclass(obj_type, enum.Enum):
            return _enum_converter(obj_type)
        if not hasattr(obj_type, "deserialized_types"):
            return _same  # the SDK hands back what it was given for a class that is not a model
        return self._model_converter(obj_type, by_sdk)

    def _list_converter(self, obj_type: str, by_sdk: Converter) -> Converter | None:
        match = _LIST_TYPE.match(obj_type)
        if match is None or "," in match.group(1):
            return None
        item_type = match.group(1).strip()
        item: Converter | None = None  # made on first use: a model may contain itself (APL components)

        def convert(data: Any) -> Any:
            nonlocal item
            if type(data) is not list:
                return by_sdk(data)
            if item is None:
                item = self._converter(item_type)
            return [None if value is None else item(value) for value in data]

        return convert

    def _dict_converter(self, obj_type: str, by_sdk: Converter) -> Converter | None:
        match = _DICT_TYPE.match(obj_type)
        if match is None:
            return None
        value_type = match.group(2)
        if value_type == "object":  # session attributes, slots' free-form parts: values as they came
            def convert_plain(data: Any) -> Any:
                return dict(data) if type(data) is dict else by_sdk(data)

            return convert_plain
        convert_value: Converter | None = None

        def convert(data: Any) -> Any:
            nonlocal convert_value
            if type(data) is not dict:
                return by_sdk(data)
            if convert_value is None:
                convert_value = self._converter(value_type)
            return {key: None if value is None else convert_value(value) for key, value in data.items()}

        return convert

    def _datetime_converter(self, by_sdk: Converter) -> Converter:
        zulu = self._zulu

        def convert(data: Any) -> Any:
            if type(data) is str:
                moment = zulu.parse(data)
                if moment is not None:
                    return moment
            return by_sdk(data)  # dateutil, as the SDK does it

        return convert

    def _model_converter(self, cls: type, by_sdk: Converter) -> Converter:
        builders, classes = self._builders, self._classes
        discriminated = hasattr(cls, "get_real_child_model")
        build: Any = _UNPLANNED  # the plan for `cls` itself, made on first use

        def convert(data: Any) -> Any:
            nonlocal build
            if type(data) is not dict:
                return by_sdk(data)  # the SDK's handling of a string, list or number where an object belongs
            if discriminated:  # Request, Directive...: the class the payload's "type" names, found the SDK's way
                name = cls.get_real_child_model(data)
                if not name:
                    raise NotCovered(f"no {cls.__name__} for this discriminator")
                target = classes.get(name) or self._load_class(name)
                build_target = builders.get(target, _UNPLANNED)
                if build_target is _UNPLANNED:
                    build_target = self._builder(target)
                return by_sdk(data) if build_target is None else build_target(data)
            if build is _UNPLANNED:
                build = builders[cls] if cls in builders else self._builder(cls)
            return by_sdk(data) if build is None else build(data)

        return convert

    def _load_class(self, name: str) -> type:
        """ask-sdk's __load_class_from_name: the module by its dotted name, then the class in it."""
        cls = self._classes.get(name)
        if cls is None:
            module_name, class_name = name.rsplit(".", 1)
            cls = self._classes[name] = getattr(importlib.import_module(module_name), class_name)
        return cls

    def _builder(self, cls: type) -> Converter | None:
        builder = self._builders[cls] = self._make_builder(cls)
        return builder

    def _make_builder(self, cls: type) -> Converter | None:
        """The plan for making `cls` from a JSON object, or None when only the SDK's own steps would do.

        The SDK calls `cls()` and then setattr per field. The plan copies the attributes `cls()` sets (once,
        up front) and fills in the fields, which gives the same `__dict__` in the same order without running
        `__init__` per object; that holds only for plain classes whose __init__ sets constants, so anything
        else (slots, properties, a custom __new__, __setattr__ or metaclass, defaults that are objects) is
        left to the SDK. Every class the request and response envelopes reach in ask-sdk-model 1.82 is plain
        (a test checks)."""
        fields = _field_map(cls)
        if fields is None or "__slots__" in vars(cls) or cls.__setattr__ is not object.__setattr__ \
                or cls.__new__ is not object.__new__ or type(cls).__call__ is not type.__call__:
            return None
        try:
            prototype, again = vars(cls()), vars(cls())
        except Exception:
            return None
        if prototype != again or not all(_is_constant(value) for value in prototype.values()):
            return None
        if any(attr not in prototype or _defined_on_class(cls, attr) for attr in fields.values()):
            return None
        # JSON key -> [attribute, converter, the JSON type kept as it is ('str' fields take str unchanged)]
        plan: dict[str, list[Any]] = {}
        for key, attr in fields.items():
            obj_type = cls.deserialized_types[attr]
            plan[key] = field = [attr, None, _PRIMITIVES.get(obj_type)]
            field[1] = self._converters.get(obj_type) or self._on_first_use(obj_type, field)
        new = object.__new__

        def build(data: dict) -> Any:
            attributes = prototype.copy()
            unknown = None
            for key, value in data.items():
                field = plan.get(key)
                if field is None:
                    if unknown is None:
                        unknown = [key]
                    else:
                        unknown.append(key)
                elif value is None or type(value) is field[2]:
                    attributes[field[0]] = value
                else:
                    attributes[field[0]] = field[1](value)
            model = new(cls)
            model.__dict__ = attributes
            if unknown:  # as the SDK does: after the known fields, set as they came
                for key in unknown:
                    setattr(model, key, data[key])
            return model

        return build

    def _on_first_use(self, obj_type: str, field: list[Any]) -> Converter:
        """A field's converter, made when the field first comes (so a plan imports no modules for fields that
        never do, and a model may contain itself); it then puts the real one in the plan."""
        def convert(data: Any) -> Any:
            converter = field[1] = self._converter(obj_type)
            return converter(data)

        return convert

    # -- JSON out ------------------------------------------------------------------------------------------

    def serialize(self, obj: Any) -> Any:
        """DefaultSerializer.serialize: the same dicts, lists and values, in the same order."""
        try:
            return self.to_json(obj)
        except Exception:  # an object the SDK cannot serialize either: let it raise its own error
            return self.sdk.serialize(obj)

    def to_json(self, obj: Any) -> Any:
        if obj is None:
            return None
        kind = type(obj)
        writer = self._writers.get(kind) or self._writer(kind)
        return writer(obj)

    def _writer(self, kind: type) -> Converter:
        """How the SDK serializes an instance of `kind`, in the order of its isinstance checks."""
        to_json = self.to_json
        if issubclass(kind, tuple(_PRIMITIVE_CLASSES)) or kind is PlainJson:
            writer: Converter = _same
        elif kind is list:
            writer = self._list_writer
        elif kind is dict:
            writer = self._dict_writer
        elif issubclass(kind, list):
            def writer(obj: Any) -> Any:
                return [to_json(item) for item in obj]
        elif issubclass(kind, tuple):
            def writer(obj: Any) -> Any:
                return tuple(to_json(item) for item in obj)
        elif issubclass(kind, (datetime, date)):
            writer = kind.isoformat
        elif issubclass(kind, enum.Enum):
            def writer(obj: Any) -> Any:
                return obj.value
        elif issubclass(kind, decimal.Decimal):
            def writer(obj: Any) -> Any:
                return int(obj) if obj % 1 == 0 else float(obj)
        elif issubclass(kind, dict):
            def writer(obj: Any) -> Any:
                return {key: to_json(value) for key, value in obj.items()}
        else:
            writer = self._model_writer(kind)
        self._writers[kind] = writer
        return writer

    def _dict_writer(self, obj: dict) -> dict:
        """A plain dict (an APL document, session attributes): JSON values copied in line, without a call each,
        as the bulk of a response is such data."""
        result = {}
        for key, value in obj.items():
            kind = type(value)
            if kind in _JSON_LEAVES:
                result[key] = value
            elif kind is dict:
                result[key] = self._dict_writer(value)
            elif kind is list:
                result[key] = self._list_writer(value)
            else:
                result[key] = self.to_json(value)
        return result

    def _list_writer(self, obj: list) -> list:
        result = []
        for value in obj:
            kind = type(value)
            if kind in _JSON_LEAVES:
                result.append(value)
            elif kind is dict:
                result.append(self._dict_writer(value))
            elif kind is list:
                result.append(self._list_writer(value))
            else:
                result.append(self.to_json(value))
        return result

    def _model_writer(self, kind: type) -> Converter:
        fields = _field_map(kind)
        sdk_serialize = self.sdk.serialize
        if fields is None:  # not a model (the SDK raises), or one with a map the SDK reads its own way
            return sdk_serialize
        pairs = tuple((attr, key) for key, attr in fields.items())
        to_json = self.to_json

        def writer(obj: Any) -> Any:
            own = obj.__dict__
            if "deserialized_types" in own or "attribute_map" in own:  # an instance with its own map
                return sdk_serialize(obj)
            result = {}
            for attr, key in pairs:
                value = getattr(obj, attr)
                if value is not None:
                    result[key] = value if type(value) in _JSON_LEAVES else to_json(value)
            return result

        return writer


class _ZuluTime:
    """Alexa's "...Z" timestamps as dateutil.parser.parse reads them in this process, without the parser.

    dateutil 2.9 reads "Z" as the zone named UTC and then (parser._build_tzaware): if "UTC" is not one of
    time.tzname the result has tz.UTC; if it is and the local zone has no daylight saving, tz.tzlocal() (so on
    Lambda, whose zone is UTC, the SDK's timestamps carry tzlocal()). Any other zone is left to dateutil."""

    def __init__(self) -> None:
        self._zone: tuple[Any, ...] | None = None
        self._tzinfo: Any = None

    def parse(self, text: str) -> datetime | None:
        match = _ALEXA_TIMESTAMP.fullmatch(text)
        if match is None:
            return None
        tzinfo = self._tzinfo_now()
        if tzinfo is None:
            return None
        year, month, day, hour, minute, second, fraction = match.groups()
        try:
            return datetime(int(year), int(month), int(day), int(hour), int(minute), int(second),
                            int(fraction.ljust(6, "0")) if fraction else 0, tzinfo)
        except ValueError:  # no such day or hour: dateutil decides what that means
            return None

    def _tzinfo_now(self) -> Any:
        zone = (time.tzname, time.timezone, time.altzone, time.daylight)  # changes only with time.tzset()
        if zone != self._zone:
            self._zone, self._tzinfo = zone, _zulu_tzinfo()
        return self._tzinfo


def _zulu_tzinfo() -> Any:
    if "UTC" not in time.tzname:
        return tz.UTC
    if time.tzname[0] == "UTC" and not time.daylight:
        return tz.tzlocal()
    return None


def _field_map(cls: type) -> dict[str, str] | None:
    """JSON key -> attribute for a model class, as the SDK reads it (attribute_map, else the attribute's own
    name), or None if the class is not a model or two attributes share a key."""
    types = getattr(cls, "deserialized_types", None)
    if not isinstance(types, dict):
        return None
    names = getattr(cls, "attribute_map", None) or {}
    if any(attr not in types for attr in names):
        return None  # the SDK fails on such a field; let it
    fields = {names.get(attr, attr): attr for attr in types}
    return fields if len(fields) == len(types) else None


def _is_constant(value: Any) -> bool:
    return value is None or type(value) in (str, int, float, bool) or isinstance(value, enum.Enum)


def _defined_on_class(cls: type, attr: str) -> bool:
    return any(attr in vars(klass) for klass in cls.__mro__)


def _same(data: Any) -> Any:
    return data


def _primitive_converter(kind: type) -> Converter:
    """ask-sdk's __deserialize_primitive: cast with the type; a TypeError leaves the value as it came."""
    def convert(data: Any) -> Any:
        if type(data) is kind:
            return data
        try:
            return kind(data)
        except UnicodeEncodeError:
            return str(data)
        except TypeError:
            return data

    return convert


def _enum_converter(kind: type[enum.Enum]) -> Converter:
    members = kind._value2member_map_

    def convert(data: Any) -> Any:
        member = members.get(data)
        return kind(data) if member is None else member

    return convert


_UNPLANNED = object()
