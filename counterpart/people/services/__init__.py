"""Writes for people: registry, benefits, trainings, student aid, secondments (villages: projects.villages).

Each service is atomic and audited. Identity numbers are validated (GB 11643), encrypted and
blind-indexed here and nowhere else; errors name them only masked.

One module per concern; this package re-exports them so that every edge imports its actions from
``counterpart.people.services`` whatever module holds them.
"""

from .benefits import BenefitRow, benefit_record, benefits_record_bulk
from .checks import REVEAL_PERMISSION
from .households import (
    HOUSEHOLD_EDITABLE_FIELDS,
    HouseholdRow,
    household_check,
    household_register,
    household_status_set,
    household_update,
    households_register_bulk,
)
from .identity_access import person_identity_reveal, persons_identity_export_authorise, persons_identity_rekey
from .loading import PersonsLoadRefused, persons_load
from .persons import (
    PERSON_EDITABLE_FIELDS,
    PersonRow,
    person_check,
    person_register,
    person_update,
    persons_register_bulk,
)
from .secondments import secondment_record
from .staging import (
    PERSON_LOAD_REBUILD_MIN_ROWS,
    PERSON_STAGE_COLUMNS,
    StagedProblem,
    persons_stage_apply,
    persons_stage_classify,
    persons_stage_messages,
    persons_stage_problems,
)
from .student_aid import StudentAidRow, student_aid_grant, student_aid_grant_batch
from .trainings import (
    TRAINING_EDITABLE_FIELDS,
    job_placement_record,
    training_check,
    training_create,
    training_participants_add,
    training_update,
)

__all__ = [
    "HOUSEHOLD_EDITABLE_FIELDS",
    "PERSON_EDITABLE_FIELDS",
    "PERSON_LOAD_REBUILD_MIN_ROWS",
    "PERSON_STAGE_COLUMNS",
    "REVEAL_PERMISSION",
    "TRAINING_EDITABLE_FIELDS",
    "BenefitRow",
    "HouseholdRow",
    "PersonRow",
    "PersonsLoadRefused",
    "StagedProblem",
    "StudentAidRow",
    "benefit_record",
    "benefits_record_bulk",
    "household_check",
    "household_register",
    "household_status_set",
    "household_update",
    "households_register_bulk",
    "job_placement_record",
    "person_check",
    "person_identity_reveal",
    "person_register",
    "person_update",
    "persons_identity_export_authorise",
    "persons_identity_rekey",
    "persons_load",
    "persons_register_bulk",
    "persons_stage_apply",
    "persons_stage_classify",
    "persons_stage_messages",
    "persons_stage_problems",
    "secondment_record",
    "student_aid_grant",
    "student_aid_grant_batch",
    "training_check",
    "training_create",
    "training_participants_add",
    "training_update",
]
