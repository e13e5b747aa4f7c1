"""Shared column types: aware UTC datetimes, enums stored as checked strings, a naming convention."""

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from app import clock  # the models' one link to the app: default timestamps come from the settable clock

# Named constraints make migrations reproducible (and SQLite batch migrations possible).
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored in UTC and always read back timezone-aware (SQLite forgets the zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use app.clock")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def enum_type(enum_cls: type[enum.Enum]) -> sa.Enum:
    """Store an enum as its string values with a CHECK constraint (no native PostgreSQL type to migrate)."""
    return sa.Enum(
        enum_cls,
        name=enum_cls.__name__.lower(),
        native_enum=False,
        create_constraint=True,
        validate_strings=True,
        length=max(len(m.value) for m in enum_cls),
        values_callable=lambda cls: [m.value for m in cls],
    )


def utc_field(*, nullable: bool = True, index: bool = False, default_now: bool = False) -> Any:
    """A timestamp field; ``default_now`` fills it from the application clock on insert."""
    if default_now:
        return Field(default_factory=clock.now, sa_type=UTCDateTime(), nullable=False, index=index)
    return Field(default=None, sa_type=UTCDateTime(), nullable=nullable, index=index)


def json_field(default_factory: Any = dict) -> Any:
    return Field(default_factory=default_factory, sa_type=sa.JSON(), nullable=False)


class StrEnum(enum.StrEnum):
    """Enums whose members are their stored string values."""


def version_column() -> sa.Column[int]:
    """A row version for optimistic locking: SQLAlchemy refuses an UPDATE made from a stale copy."""
    return sa.Column("version", sa.Integer, nullable=False, server_default="1")


# The trigram operator class the search indexes use (``search_text``): the extension exists before their table.
TRIGRAMS = sa.DDL("CREATE EXTENSION IF NOT EXISTS pg_trgm").execute_if(dialect="postgresql")
