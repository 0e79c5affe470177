"""The base of every stored record: immutable, strict, and changed only through validation."""

from __future__ import annotations

from typing import Any, Self

from pydantic import BaseModel, ConfigDict


class Record(BaseModel):
    """Base for stored records: immutable, strict about unknown fields.

    A changed record is made with `replace`, which validates it in full: a bad value or a
    misspelt field name is a bug that fails loudly at the write, never a damaged file at the
    next read. pydantic's `model_copy(update=...)` validates nothing, so it is refused here.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    def replace(self, **changes: Any) -> Self:
        """This record with `changes`, validated like a record read from disk.

        Raises pydantic's ValidationError (a ValueError) for a bad value or an unknown field.
        """
        # Field values as they are (nested records stay records), so validation is cheap.
        fields = {name: getattr(self, name) for name in type(self).model_fields}
        return type(self).model_validate({**fields, **changes})

    def model_copy(self, *, update: Any = None, deep: bool = False) -> Self:
        """Refused with `update` (it would skip validation): use `replace`."""
        if update:
            raise TypeError(
                f"{type(self).__name__}.model_copy(update=...) skips validation; "
                "use .replace(**changes)"
            )
        return super().model_copy(deep=deep)
