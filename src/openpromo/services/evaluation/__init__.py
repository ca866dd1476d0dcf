"""The evaluation pipeline: one entry point (``Pipeline.run``) for every subject rules run for."""

from openpromo.services.evaluation.answer import Answer
from openpromo.services.evaluation.case import Applied, Case, Commits, Owner, Subject, Written
from openpromo.services.evaluation.event import EventTrack
from openpromo.services.evaluation.pipeline import Pipeline
from openpromo.services.evaluation.profile import ProfileUpdate
from openpromo.services.evaluation.reopen import Reopen
from openpromo.services.evaluation.return_items import ReturnItems
from openpromo.services.evaluation.session import SessionUpdate

__all__ = [
    "Answer",
    "Applied",
    "Case",
    "Commits",
    "EventTrack",
    "Owner",
    "Pipeline",
    "ProfileUpdate",
    "Reopen",
    "ReturnItems",
    "SessionUpdate",
    "Subject",
    "Written",
]
