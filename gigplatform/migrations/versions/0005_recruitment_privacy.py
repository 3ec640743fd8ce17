"""applications keep nothing from which the ID number can be rebuilt; the applicant's consent is recorded; a typing
test remembers why a failed attempt failed; a person's reading time counts for one module at a time

The plain `birth_date` and `id_number_masked` (first four and last four digits) left one to four candidate numbers
with the GB 11643 check digit. They become the age on the day of applying (Asia/Shanghai), which is all the review
needs; the mask is computed from the decrypted number when shown. The field key is not available here, so the age
is computed from the stored birth date and the application's own time.

Downgrade is lossy: the birth date comes back estimated from the age (the application's day, that many years
earlier) and the mask as asterisks only.

Revision ID: 0005
Revises: 0004
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from alembic import op

import gigplatform.db

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BEIJING = ZoneInfo("Asia/Shanghai")
applications = sa.table(
    "applications",
    sa.column("id", sa.Uuid()),
    sa.column("birth_date", sa.Date()),
    sa.column("id_number_masked", sa.String(18)),
    sa.column("age_at_application", sa.Integer()),
    sa.column("created_at", gigplatform.db.UTCDateTime(timezone=True)),
)


def _age(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _day(created_at: datetime) -> date:
    if created_at.tzinfo is None:
        created_at = created_at.replace(tzinfo=UTC)
    return created_at.astimezone(BEIJING).date()


def upgrade() -> None:
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("age_at_application", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("consent_given_at", gigplatform.db.UTCDateTime(timezone=True), nullable=True))
    with op.batch_alter_table("typing_tests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("failure_code", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("failure_params", sa.JSON(), nullable=True))
    with op.batch_alter_table("training_progress", schema=None) as batch_op:
        batch_op.add_column(sa.Column("read_seconds", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("reading_since", gigplatform.db.UTCDateTime(timezone=True), nullable=True))
    # readings under way go on from their first opening, as they did before; the next opening pauses them
    progress = sa.table(
        "training_progress",
        sa.column("started_at", gigplatform.db.UTCDateTime(timezone=True)),
        sa.column("completed_at", gigplatform.db.UTCDateTime(timezone=True)),
        sa.column("reading_since", gigplatform.db.UTCDateTime(timezone=True)),
    )
    op.execute(progress.update().where(progress.c.completed_at.is_(None)).values(reading_since=progress.c.started_at))
    connection = op.get_bind()
    rows = connection.execute(sa.select(applications.c.id, applications.c.birth_date, applications.c.created_at))
    for row_id, birth, created_at in rows.all():
        connection.execute(
            applications.update()
            .where(applications.c.id == row_id)
            .values(age_at_application=_age(birth, _day(created_at)))
        )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.alter_column("age_at_application", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("id_number_masked")
        batch_op.drop_column("birth_date")


def downgrade() -> None:
    with op.batch_alter_table("training_progress", schema=None) as batch_op:
        batch_op.drop_column("reading_since")
        batch_op.drop_column("read_seconds")
    with op.batch_alter_table("typing_tests", schema=None) as batch_op:
        batch_op.drop_column("failure_params")
        batch_op.drop_column("failure_code")
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("id_number_masked", sa.String(length=18), nullable=True))
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(applications.c.id, applications.c.age_at_application, applications.c.created_at)
    )
    for row_id, age, created_at in rows.all():
        day = _day(created_at)
        estimated = day.replace(year=day.year - age) if (day.month, day.day) != (2, 29) else date(day.year - age, 3, 1)
        connection.execute(
            applications.update()
            .where(applications.c.id == row_id)
            .values(birth_date=estimated, id_number_masked="*" * 18)
        )
    with op.batch_alter_table("applications", schema=None) as batch_op:
        batch_op.alter_column("birth_date", existing_type=sa.Date(), nullable=False)
        batch_op.alter_column("id_number_masked", existing_type=sa.String(length=18), nullable=False)
        batch_op.drop_column("consent_given_at")
        batch_op.drop_column("age_at_application")
