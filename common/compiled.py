"""Expressions that are the same for every request, compiled to SQL once per process.

Resolving and compiling an expression with subqueries costs a page a thousand or more Python
calls each time, though the SQL comes out the same. `compiled(model, build, using)` compiles
`build()` once (per model, builder and database vendor) as a column of `model` and hands back
that SQL. The rows are read afresh by every query; only the text of the SQL is kept, so nothing
goes stale. Only for expressions that depend on nothing of the request (no user, no date):
pass those as arguments of a query instead.

The SQL names the model's table, so it holds only in a query whose base table is `model` and
that is read as it is: put inside another query (which renames the table), it raises.
"""

import functools

from django.db import connections
from django.db.models import Field
from django.db.models.expressions import RawSQL


def compiled(model, build, using: str, output_field: Field) -> RawSQL:
    """`build()` (a function without arguments that returns an expression on `model`, e.g. a
    condition with a subquery on OuterRef("pk")) as SQL compiled once, for `annotate`."""
    sql, params = _compiled(model, build, using, connections[using].vendor)
    return _CompiledSQL(sql, params, output_field)


@functools.cache
def _compiled(model, build, using: str, vendor: str) -> tuple[str, tuple]:
    query = model._default_manager.annotate(_compiled=build()).query
    sql, params = query.get_compiler(using=using).compile(query.annotations["_compiled"])
    return sql, tuple(params)


class _CompiledSQL(RawSQL):
    def __init__(self, sql, params, output_field):
        super().__init__(sql, params, output_field=output_field)

    def relabeled_clone(self, change_map):
        # Inside another query the model's table gets another name, which this SQL does not
        # follow: annotate with `build()` itself there.
        if change_map:
            raise TypeError("A compiled expression cannot be used in a subquery.")
        return self
