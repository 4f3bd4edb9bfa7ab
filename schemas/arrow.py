"""Arrow (Parquet) schemas derived from the pydantic records, so the two never drift apart."""

from __future__ import annotations

import types
import typing
from typing import Any, Literal, get_args, get_origin

import pyarrow as pa
from pydantic import BaseModel

_SCALARS: dict[Any, pa.DataType] = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_()}


def arrow_type(annotation: Any) -> pa.DataType:
    origin = get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) != 1:
            raise TypeError(f"cannot map union {annotation} to Arrow")
        return arrow_type(members[0])
    if origin is Literal:
        return arrow_type(type(get_args(annotation)[0]))
    if origin is list:
        return pa.list_(arrow_type(get_args(annotation)[0]))
    if origin is dict:
        key, value = get_args(annotation)
        return pa.map_(arrow_type(key), arrow_type(value))
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return pa.struct(arrow_fields(annotation))
    if annotation in _SCALARS:
        return _SCALARS[annotation]
    raise TypeError(f"cannot map {annotation!r} to Arrow")


def arrow_fields(model: type[BaseModel]) -> list[pa.Field]:
    return [
        pa.field(name, arrow_type(info.annotation), nullable=not info.is_required() or _optional(info.annotation))
        for name, info in model.model_fields.items()
    ]


def arrow_schema(model: type[BaseModel]) -> pa.Schema:
    return pa.schema(arrow_fields(model))


def _optional(annotation: Any) -> bool:
    return get_origin(annotation) in (typing.Union, types.UnionType) and type(None) in get_args(annotation)
