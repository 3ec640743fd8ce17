"""Every domain's models, imported so that Alembic and the tests see one complete metadata."""

from exams import models as _exams  # noqa: F401
from gigplatform import notifications as _notifications  # noqa: F401
from gigplatform.accounts import models as _accounts  # noqa: F401
from gigplatform.coverage import models as _coverage  # noqa: F401
from gigplatform.db import Base
from recruitment import models as _recruitment  # noqa: F401
from shifts import models as _shifts  # noqa: F401

target_metadata = Base.metadata
