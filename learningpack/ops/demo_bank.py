"""The demo municipality's knowledge bank: a little of everything a visitor should see.

Material from a parent organisation (added by PUF), a school's shared practice (published), a
process description from PUF, and a proposal waiting for PUF. Idempotent by title.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from learningpack.domain import bank
from learningpack.extensions import db
from learningpack.models import Resource, ResourceCategory, User

# Nothing here carries a file, so no file is ever written to this folder.
_NO_FILES = Path("/nonexistent")


def _exists(title: str) -> bool:
    return db.session.scalar(select(Resource.id).where(Resource.title == title)) is not None


def seed_bank(puf: User, leaders: list[User]) -> None:
    """Add the demo's resources (those not there yet). The caller commits."""
    if not _exists("Forældremødet, der samler klassen"):
        bank.add_external(
            bank.Draft(
                title="Forældremødet, der samler klassen",
                category=ResourceCategory.PARENT_MEETINGS,
                body="Idéer til et forældremøde, hvor forældrene lærer hinanden at kende og "
                "aftaler, hvordan de bakker op om klassens fællesskab.",
                link="https://skole-foraeldre.dk/",
                source_name="Skole og Forældre",
                modules=("foraeldremoeder",),
                findings=("F1", "F4"),
            ),
            actor=puf,
            upload_dir=_NO_FILES,
        )
    if not _exists("Sådan holder I opsamlingsmødet"):
        bank.add_external(
            bank.Draft(
                title="Sådan holder I opsamlingsmødet",
                category=ResourceCategory.PROCESSES,
                body="En dagsorden på 60 minutter: hvad gjorde vi, hvad så observatøren, "
                "hvad fastholder, justerer eller stopper vi – og hvem gør hvad til næste gang.",
                modules=("faellesskab", "foraeldremoeder"),
                findings=("F2",),
            ),
            actor=puf,
            upload_dir=_NO_FILES,
        )
    if leaders and not _exists("Dialog i små grupper på forældremøderne"):
        shared = bank.propose(
            bank.Draft(
                title="Dialog i små grupper på forældremøderne",
                category=ResourceCategory.PARENT_MEETINGS,
                body="Det gjorde vi:\nForældrene talte i grupper på fire om, hvad et godt "
                "klassefællesskab er.\n\nDet så vi:\nForældrene talte mere med hinanden end "
                "sædvanligt.\n\nDet fastholder vi:\nSmå, faste greb virker bedre end store "
                "arrangementer.",
                modules=("faellesskab",),
                findings=("F1", "F2"),
            ),
            school_id=leaders[0].school_id or 0,
            actor=leaders[0],
            upload_dir=_NO_FILES,
        )
        bank.publish(shared, actor=puf)
    if len(leaders) > 1 and not _exists("Forældrerådets årshjul"):
        bank.propose(
            bank.Draft(
                title="Forældrerådets årshjul",
                category=ResourceCategory.PARENT_COUNCILS,
                body="Fire møder om året i forældrerådet, hvert med ét tema om fællesskabet.",
                modules=("foraeldremoeder",),
                findings=("F6",),
            ),
            school_id=leaders[1].school_id or 0,
            actor=leaders[1],
            upload_dir=_NO_FILES,
        )
