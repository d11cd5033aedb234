"""Which source column feeds which layer field, from options or a small mapping file.

A mapping file is TOML or JSON::

    srid = 2227                       # used when the file declares no CRS
    repair = true                     # make invalid geometries valid where possible
    delimiter = ";"                   # CSV only; detected when not given
    encoding = "cp1251"               # detected (UTF-8, or CP1251 with Cyrillic) when not given
    timezone = "America/Los_Angeles"  # zone of times without a UTC offset
    date_format = ["%Y/%d/%m", "%m/%d/%Y %I:%M:%S %p"]   # tried in order (one string is one format)
    ambiguous = "latest"              # DST overlaps and gaps: earliest, latest or refuse
    [fields]                          # layer field = source column
    occurred_at = "Date"
    category = "Category"
    [set]                             # layer field = constant for every row
    source = "police-record"
"""
from __future__ import annotations

import json
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import InvalidInput
from ..layers import LayerSpec
from ..messages import N_, Message


# The options a mapping file may set beside its [fields] and [set] tables.
OPTIONS = ("srid", "timezone", "lon", "lat", "wkt", "sublayer", "repair", "delimiter", "encoding", "date_format",
           "ambiguous")


# Fields a file exported from OpenStreetMap (ogr2ogr, Overpass) spells as the OSM tag.
OSM_SPELLING = {"name_ru": "name:ru", "name_kk": "name:kk", "name_en": "name:en"}


@dataclass(frozen=True)
class Mapping:
    fields: dict[str, str] = field(default_factory=dict)
    constants: dict[str, str] = field(default_factory=dict)
    srid: int | None = None
    timezone: str | None = None
    lon: str | None = None
    lat: str | None = None
    wkt: str | None = None
    sublayer: str | None = None
    repair: bool | None = None
    delimiter: str | None = None
    encoding: str | None = None
    date_format: tuple[str, ...] | None = None
    ambiguous: str | None = None

    def merged(self, other: "Mapping") -> "Mapping":
        """This mapping with ``other``'s explicit choices taking precedence."""
        return replace(
            self,
            fields={**self.fields, **other.fields},
            constants={**self.constants, **other.constants},
            **{k: getattr(other, k) for k in OPTIONS
               if getattr(other, k) is not None},
        )


def load_mapping(path: str | Path) -> Mapping:
    """Read a TOML or JSON mapping file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else tomllib.loads(text)
    except FileNotFoundError as exc:
        raise InvalidInput(Message("mapping.mapping-file-not-found",
                                   N_("mapping file not found: %(path)s"),
                                   path=path)) from exc
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as exc:
        raise InvalidInput(Message("mapping.mapping-file-not-valid",
                                   N_("mapping file %(path_name)s is not valid: %(exc)s"),
                                   path_name=path.name, exc=exc)) from exc
    unknown = set(data) - {"fields", "set", *OPTIONS}
    if unknown:
        raise InvalidInput(Message("mapping.mapping-file-unknown",
                                   N_("mapping file %(path_name)s: unknown keys %(unknown)s"),
                                   path_name=path.name, unknown=sorted(unknown)))
    options = {k: data.get(k) for k in OPTIONS}
    options["date_format"] = _formats(options["date_format"], path.name)
    return Mapping(fields={k: str(v) for k, v in data.get("fields", {}).items()},
                   constants={k: str(v) for k, v in data.get("set", {}).items()},
                   **options)


def _formats(value, name: str) -> tuple[str, ...] | None:
    """A mapping file's ``date_format``: one format, or a list of them tried in order."""
    if value is None:
        return None
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, list) or not values or not all(isinstance(v, str) for v in values):
        raise InvalidInput(Message("mapping.mapping-file-date",
                                   N_("mapping file %(name)s: date_format is a format or a list of formats, e.g. "
                                      "[\"%%Y/%%d/%%m\", \"%%m/%%d/%%Y %%I:%%M:%%S %%p\"]"),
                                   name=name))
    return tuple(values)


def parse_pairs(pairs: tuple[str, ...] | list[str], option: str) -> dict[str, str]:
    """``["field=column", ...]`` as a dict; a pair without ``=`` is a user error."""
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InvalidInput(Message("mapping.expects-field-value",
                                       N_("%(option)s expects FIELD=VALUE, got %(pair)r"),
                                       option=option, pair=pair))
        out[key.strip()] = value.strip()
    return out


def resolve_columns(spec: LayerSpec, columns: list[str], mapping: Mapping) -> dict[str, str]:
    """Layer field → source column: explicit mapping first, then same name (case-insensitive)."""
    names = {f.name for f in spec.fields}
    unknown = sorted((set(mapping.fields) | set(mapping.constants)) - names)
    if unknown:
        raise InvalidInput(Message("mapping.layer-has-no-field",
                                   N_("layer %(spec_name)s has no field %(unknown)s; its fields are: %(names)s"),
                                   spec_name=spec.name, unknown=', '.join(unknown),
                                   names=', '.join(sorted(names))))
    missing = sorted(c for c in mapping.fields.values() if c not in columns)
    if missing:
        raise InvalidInput(Message("mapping.file-has-no-column",
                                   N_("the file has no column %(value)s; its columns are: %(columns)s"),
                                   value=', '.join(repr(m) for m in missing), columns=', '.join(columns)))
    by_lower = {c.lower(): c for c in columns}
    resolved = dict(mapping.fields)
    for f in spec.fields:
        if f.name in resolved or f.name in mapping.constants:
            continue
        for spelling in (f.name.lower(), OSM_SPELLING.get(f.name)):
            if spelling in by_lower:
                resolved[f.name] = by_lower[spelling]
                break
    absent = [f.name for f in spec.fields
              if f.required and f.default is None and f.name not in resolved and f.name not in mapping.constants]
    if absent:
        raise InvalidInput(Message("mapping.required-field-layer",
                                   N_("required field(s) %(absent)s of layer %(spec_name)s have no source: map "
                                      "them with --map FIELD=COLUMN or set them with --set FIELD=VALUE (columns "
                                      "are: %(columns)s)"),
                                   absent=', '.join(absent), spec_name=spec.name, columns=', '.join(columns)))
    return resolved
