"""The knowledge bank's forms: search, propose / add / edit a resource, reject with a reason."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, IntegerField, RadioField, SearchField, SelectField, StringField
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from learningpack.content import Package
from learningpack.domain.bank import Draft, Upload
from learningpack.domain.bank_files import MAX_FILE_BYTES, MAX_FILE_MB
from learningpack.models import Resource, ResourceCategory, ResourceStatus
from learningpack.output.labels import RESOURCE_CATEGORY
from learningpack.reads.bank import BankQuery, BankSort
from learningpack.web.forms import (
    Form,
    MultiCheckboxField,
    NoPersonalData,
    choices,
    free_text,
    max_length,
    once_field,
)

SORTS = {BankSort.NEWEST: _l("Nyeste først"), BankSort.MOST_USED: _l("Mest brugte først")}
CURATION_STATES = {
    ResourceStatus.PROPOSED: _l("Forslag"),
    ResourceStatus.PUBLISHED: _l("Udgivet"),
    ResourceStatus.REJECTED: _l("Afvist"),
    ResourceStatus.UNPUBLISHED: _l("Trukket tilbage"),
}


def module_choices(package: Package) -> list[tuple[str, str]]:
    return [(m.slug, f"{m.position}. {m.title}") for m in package.modules]


def finding_choices(package: Package) -> list[tuple[str, str]]:
    return [(f.key, f"{f.key} {f.title}") for f in package.findings]


class SearchForm(Form):
    """The bank's search: a GET form, so no CSRF token (it changes nothing)."""

    class Meta:
        csrf = False

    q = SearchField(
        _l("Søg"),
        validators=[Optional(), max_length(Resource.title)],
        description=_l("Fx »forældremøde« – søgningen finder også »forældremøderne«."),
    )
    kategori = SelectField(_l("Kategori"), choices=[], default="")
    modul = SelectField(_l("Modul"), choices=[], default="")
    fund = SelectField(_l("Fund fra afdækningen"), choices=[], default="")
    sortering = SelectField(_l("Sortering"), choices=choices(SORTS), default=BankSort.NEWEST.value)
    side = IntegerField(_l("Side"), validators=[Optional(), NumberRange(min=1, max=100_000)])

    def __init__(self, formdata: Any, package: Package) -> None:
        super().__init__(formdata)
        self.kategori.choices = choices([("", _l("Alle kategorier")), *RESOURCE_CATEGORY.items()])
        self.modul.choices = choices([("", _l("Alle moduler")), *module_choices(package)])
        self.fund.choices = choices([("", _l("Alle fund")), *finding_choices(package)])

    def query(self) -> BankQuery:
        return BankQuery(
            text=self.q.data or "",
            category=ResourceCategory(self.kategori.data) if self.kategori.data else None,
            module=self.modul.data or "",
            finding=self.fund.data or "",
            sort=BankSort(self.sortering.data or BankSort.NEWEST.value),
            page=self.side.data or 1,
        )


class FileSize:
    """A friendly message for a file over the limit (the domain refuses it too)."""

    def __call__(self, form: Any, field: Any) -> None:
        stream = getattr(field.data, "stream", None)
        if stream is None:
            return
        stream.seek(0, 2)
        size = stream.tell()
        stream.seek(0)
        if size > MAX_FILE_BYTES:
            raise ValidationError(
                str(_l("Filen er for stor. Den må højst fylde %(max)d MB.", max=MAX_FILE_MB))
            )


class ResourceForm(Form):
    """What a resource says; the same fields when a school proposes and when PUF edits or adds."""

    once = once_field()
    title = StringField(
        _l("Titel"),
        validators=[
            DataRequired(_l("Giv materialet en titel.")),
            max_length(Resource.title),
            NoPersonalData(),
        ],
    )
    category = RadioField(
        _l("Kategori"),
        choices=choices(RESOURCE_CATEGORY),
        validators=[DataRequired(_l("Vælg en kategori."))],
    )
    body = free_text(
        _l("Beskrivelse"),
        max_length=20000,
        rows=10,
        description=_l(
            "Det andre skoler skal vide: hvad I gjorde, hvad I så, hvad I fastholder. "
            "Teksten deles med alle kommunens skoler – skriv ingen navne på børn, forældre "
            "eller kolleger."
        ),
    )
    link = StringField(
        _l("Link"),
        validators=[Optional(), max_length(Resource.link), NoPersonalData()],
        description=_l("En adresse, der begynder med https://"),
    )
    upload = FileField(
        _l("Fil"),
        validators=[FileSize()],
        description=_l(
            "PDF, Word (DOCX), PowerPoint (PPTX), PNG eller JPEG – højst %(max)d MB.",
            max=MAX_FILE_MB,
        ),
    )
    modules = MultiCheckboxField(_l("Moduler"), choices=[])
    findings = MultiCheckboxField(_l("Fund fra afdækningen, som materialet svarer på"), choices=[])

    def __init__(self, package: Package, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.modules.choices = choices(module_choices(package))
        self.findings.choices = choices(finding_choices(package))

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        has_file = bool(getattr(self.upload.data, "filename", ""))
        if ok and not (self.body.data or "").strip() and not self.link.data and not has_file:
            self.body.errors = [
                *self.body.errors,
                str(_l("Skriv en beskrivelse, giv et link eller vedhæft en fil.")),
            ]
            ok = False
        return ok

    def draft(self, *, source_name: str = "", remove_file: bool = False) -> Draft:
        upload = None
        if getattr(self.upload.data, "filename", ""):
            upload = Upload(self.upload.data.read(), self.upload.data.filename)
        return Draft(
            title=self.title.data or "",
            category=ResourceCategory(self.category.data),
            body=self.body.data or "",
            link=(self.link.data or "").strip(),
            modules=tuple(self.modules.data or ()),
            findings=tuple(self.findings.data or ()),
            source_name=source_name,
            upload=upload,
            remove_file=remove_file,
        )


class CuratedResourceForm(ResourceForm):
    """PUF's edit and add: also who the material comes from, and removing its file."""

    source_name = StringField(
        _l("Afsender"),
        validators=[Optional(), max_length(Resource.source_name), NoPersonalData()],
        description=_l("Fx »Skole og Forældre«. Udfyldes for materiale udefra."),
    )
    remove_file = BooleanField(_l("Fjern den vedhæftede fil"))

    def curated_draft(self) -> Draft:
        return self.draft(
            source_name=self.source_name.data or "", remove_file=bool(self.remove_file.data)
        )


class EditResourceForm(CuratedResourceForm):
    """PUF's edit of a resource: it changes one, so it carries no one-time token."""

    once = None  # type: ignore[assignment]


class RejectForm(Form):
    reason = free_text(
        _l("Begrundelse til skolen"),
        required=_l("Skriv, hvorfor forslaget afvises. Skolen ser begrundelsen."),
        max_length=2000,
        rows=4,
    )


class CurationFilterForm(Form):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[], default=ResourceStatus.PROPOSED.value)
    q = SearchField(_l("Søg"), validators=[Optional(), max_length(Resource.title)])
    side = IntegerField(_l("Side"), validators=[Optional(), NumberRange(min=1, max=100_000)])

    def __init__(self, formdata: Any) -> None:
        super().__init__(formdata)
        self.status.choices = choices([*CURATION_STATES.items(), ("all", _l("Alle"))])
