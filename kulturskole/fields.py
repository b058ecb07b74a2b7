"""Model fields shared by every app: money and recurring calendar days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from kulturskole.dates import day_month


@dataclass(frozen=True, order=True)
class MonthDay:
    """A day that recurs every year, such as the notice deadline of 1 December (§9b)."""

    month: int
    day: int

    def __post_init__(self) -> None:
        # 2000 is a leap year, so 29 February is accepted as a recurring day.
        dt.date(2000, self.month, self.day)

    @classmethod
    def parse(cls, value: str) -> MonthDay:
        """Read "MM-DD" (the stored form) or "DD.MM" (how Norwegians write it)."""
        text = value.strip()
        try:
            if "-" in text:
                month, day = (int(part) for part in text.split("-"))
            else:
                day, month = (int(part) for part in text.rstrip(".").split("."))
            return cls(month, day)
        except (ValueError, TypeError):
            raise ValueError(f"{value!r} is not a day of the year") from None

    def deconstruct(self) -> tuple[str, tuple[int, int], dict[str, Any]]:
        """Lets migrations write a MonthDay default."""
        return ("kulturskole.fields.MonthDay", (self.month, self.day), {})

    def in_year(self, year: int) -> dt.date:
        """The date in a given year; 29 February falls back to 28 February in other years."""
        try:
            return dt.date(year, self.month, self.day)
        except ValueError:
            return dt.date(year, self.month, self.day - 1)

    def __str__(self) -> str:
        return f"{self.month:02d}-{self.day:02d}"

    def display(self) -> str:
        """Localised day and month, e.g. "1. desember" or "1 December"."""
        return day_month(self.in_year(2000))


def _is_norwegian() -> bool:
    from django.utils.translation import get_language

    return (get_language() or "nb").startswith(("nb", "nn", "no"))


class MonthDayFormField(forms.CharField):
    default_error_messages = {
        "invalid": _("Enter a day and month such as 01.12 for 1 December."),
    }

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, MonthDay):
            return f"{value.day:02d}.{value.month:02d}"
        return value

    def to_python(self, value: Any) -> MonthDay | None:
        if isinstance(value, MonthDay):
            return value
        value = super().to_python(value)
        if not value:
            return None
        try:
            return MonthDay.parse(value)
        except ValueError:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None


class MonthDayField(models.Field):
    """Stores a :class:`MonthDay` as "MM-DD" in a five-character text column.

    Not a CharField subclass on purpose: CharField's length validator would call len() on the
    MonthDay value. The column type comes from get_internal_type() instead.
    """

    description = _("Day of the year (day and month)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_length"] = 5
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        del kwargs["max_length"]
        return name, path, args, kwargs

    def get_internal_type(self) -> str:
        return "CharField"

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> MonthDay | None:
        return None if value is None else MonthDay.parse(value)

    def to_python(self, value: Any) -> MonthDay | None:
        if value is None or isinstance(value, MonthDay):
            return value
        try:
            return MonthDay.parse(str(value))
        except ValueError:
            raise ValidationError(MonthDayFormField.default_error_messages["invalid"]) from None

    def get_prep_value(self, value: Any) -> str | None:
        value = self.to_python(value)
        return None if value is None else str(value)

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else str(value)

    def formfield(self, **kwargs: Any) -> forms.Field:
        kwargs.setdefault("form_class", MonthDayFormField)
        return super().formfield(**kwargs)


class MoneyField(models.DecimalField):
    """Kroner with two decimals (øre). Never a float."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max_digits", 12)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("validators", [MinValueValidator(Decimal("0.00"))])
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> tuple[Any, ...]:
        name, path, args, kwargs = super().deconstruct()
        for key, default in (("max_digits", 12), ("decimal_places", 2)):
            if kwargs.get(key) == default:
                del kwargs[key]
        kwargs.pop("validators", None)
        return name, path, args, kwargs
