"""Referentials imported from national open data, kept in the database so that every instance reads one list."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from app.models.base import utc_field


class SecondarySchool(SQLModel, table=True):
    """A lycée from the Ministry of Education's directory (``python -m app.manage import-lycees``).

    The baccalauréat tab offers the listed ones, by département. A re-import replaces the list: a lycée absent from
    the new file is deleted unless a dossier names it, in which case it stays, unlisted, so that its name resolves.
    """

    __tablename__ = "secondary_school"

    uai: str = Field(primary_key=True, max_length=8)
    name: str = Field(max_length=200)
    commune: str = Field(default="", max_length=100)
    # The département as the forms code it (45, 2A, 971): the file's « 045 » and « 02A » lose their leading zero.
    department: str = Field(max_length=3, index=True)
    academy: str = Field(default="", max_length=60)
    nature: str = Field(default="", max_length=3)  # the directory's « code nature » (300 LEGT, 306 LPO, 320 LP…)
    closed_on: date | None = Field(default=None)
    listed: bool = Field(default=True)  # False: absent from the last import, kept because a dossier names it
    imported_at: datetime = utc_field(default_now=True)
