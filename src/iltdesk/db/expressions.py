"""Names for the SQLAlchemy types the services pass between their query-building helpers."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Row
from sqlalchemy import Select

# A column, a mapped attribute or a built SQL expression, as select(), where() and group_by()
# take them. SQLAlchemy names that union only privately (`_ColumnExpressionArgument`), so it is
# Any here, under a name that says what is meant.
SqlExpression = Any
# A SELECT being built, of any number of columns of any types.
Query = Select[*tuple[Any, ...]]
# A row of a result, of any number of columns of any types.
ResultRow = Row[*tuple[Any, ...]]
# A row's values by column name, as an insert, an update or an entity's constructor takes them
# (Any: each is of its own column's type).
ColumnValues = dict[str, Any]
