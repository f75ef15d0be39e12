"""A queryset the ORM builds and compiles once per process and shape, then runs with new values.

Building a queryset (its scope's filters and joins, its annotations) and compiling it to SQL
costs Python on every request, on the hottest lookups more than the query itself. `Prepared`
calls its `build` function once with stand-in numbers for the values that change from one
request to the next (ids, and lists of ids: their lengths are part of the shape; and days,
`datetime.date`, from which `build` may count days on or back), notes where each stand-in lands
among the SQL's parameters, and from then on runs the same SQL with the request's values,
making the objects as the ORM does (with their `select_related` objects and annotations).
`build` must depend on its values only as values: the same code with other numbers writes the
same SQL (a value it leaves out, say the user's id where a scope does not need it, is simply
not used). Nothing is kept but the SQL: every call reads the database.

A query whose iterable (`_iterable_class`) is a `ModelIterable` of its own is prepared when that
class says how to finish each object the ORM made, as a static method `finish(db, obj)`.
"""

import datetime
import itertools

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import ModelIterable, ValuesListIterable, get_related_populators

# Stand-ins no real id or count takes: each is distinct and found again among the parameters.
_STAND_IN_BASE = -(10**15)
# Stand-in days, in the eleventh century, far apart: a parameter within half the step of one is
# that day counted on or back (`today - timedelta(days=14)`), found again whatever `build` does.
_STAND_IN_DAY = datetime.date(1000, 1, 1)
_DAY_STEP = 10_000


def _day_of(param) -> datetime.date | None:
    """The day a parameter is (a date, or on SQLite the ISO text Django makes of one)."""
    if type(param) is datetime.date:
        return param
    if type(param) is str and len(param) == 10:
        try:
            return datetime.date.fromisoformat(param)
        except ValueError:
            return None
    return None


_BIGINT = range(-(2**63), 2**63)


def _in_range(value) -> bool:
    if isinstance(value, list | tuple):
        return all(map(_in_range, value))
    return type(value) is not int or value in _BIGINT


class _Days:
    """A parameter that is a day value counted `offset` on, as text where the backend's was."""

    __slots__ = ("offset", "as_text")

    def __init__(self, offset: datetime.timedelta, as_text: bool):
        self.offset, self.as_text = offset, as_text

    def value(self, day: datetime.date):
        day += self.offset
        return day.isoformat() if self.as_text else day


class Prepared:
    def __init__(self, build):
        self._build = build
        self._compiled = {}

    def get_or_none(self, **values):
        """The one object the query finds with `values` (ints, or lists of ints), or None."""
        return self._compiled_for(values).get_or_none(values)

    def _compiled_for(self, values):
        shape = tuple(
            (
                name,
                len(value)
                if isinstance(value, list | tuple)
                else ("day" if type(value) is datetime.date else None),
            )
            for name, value in sorted(values.items())
        )
        compiled = self._compiled.get(shape)
        if compiled is None:
            compiled = self._compiled[shape] = _Compiled(self._build, shape)
        return compiled

    def rows(self, **values):
        """The rows (tuples) a `values_list` query finds with `values`."""
        return self._compiled_for(values).rows(values)

    def all(self, **values):
        """The objects the query finds with `values`, in its order."""
        return self._compiled_for(values).all(values)

    def sql(self, **values):
        """The SQL of a `values_list` query with `values` as (sql, params, fields), for a
        statement of one's own that reads it (say as a WITH query); None when the query finds
        nothing for `values` without asking the database (`rows` would answer [])."""
        return self._compiled_for(values).sql_with_params(values)


class _Compiled:
    def __init__(self, build, shape):
        numbers, day_numbers = itertools.count(1), itertools.count(0)
        stand_ins, stand_in_days, values = {}, {}, {}
        for name, length in shape:
            if length == "day":
                values[name] = _STAND_IN_DAY + datetime.timedelta(
                    days=_DAY_STEP * next(day_numbers)
                )
                stand_in_days[name] = values[name]
            elif length is None:
                values[name] = _STAND_IN_BASE - next(numbers)
                stand_ins[values[name]] = (name, None)
            else:
                values[name] = [_STAND_IN_BASE - next(numbers) for _ in range(length)]
                stand_ins.update({number: (name, i) for i, number in enumerate(values[name])})
        queryset = build(**values)
        self.db = queryset.db
        compiler = queryset.query.get_compiler(using=self.db)
        try:
            self.sql, params = compiler.as_sql()
        except EmptyResultSet:
            # Nothing to find for this shape (say no organisation where the user has the role
            # a scope needs), as the ORM answers without asking the database.
            self.sql = None
            return
        # Each parameter: a stand-in's place (name, index), a day counted from a stand-in day
        # (name, _Days), or a constant of the query.
        self.params = [self._place(param, stand_ins, stand_in_days) for param in params]
        written = [str(-stand_in) for stand_in in stand_ins] + [
            f"{year:04d}-"
            for day in stand_in_days.values()
            for year in range(day.year - _DAY_STEP // 730 - 1, day.year + _DAY_STEP // 730 + 2)
        ]
        if any(text in self.sql for text in written):
            # Written into the SQL itself, it would be the same for every request.
            raise ValueError("A value of a prepared query is in its SQL, not its parameters.")
        self.compiler = compiler
        select, klass_info = compiler.select, compiler.klass_info
        self.converters = compiler.get_converters([column[0] for column in select])
        if queryset._iterable_class is ValuesListIterable:  # its rows are the answer
            if compiler.has_extra_select or compiler.col_count != len(select):
                raise ValueError("A prepared values query reads more columns than it gives.")
            self.fields = tuple(alias for _expression, _sql, alias in select)  # the columns
            return
        iterable = queryset._iterable_class
        if not issubclass(iterable, ModelIterable) or (
            iterable is not ModelIterable and not hasattr(iterable, "finish")
        ):
            raise ValueError("A prepared query gives model objects or rows of values.")
        self.finish = getattr(iterable, "finish", None)
        self.model = klass_info["model"]
        fields = klass_info["select_fields"]
        self.start, self.end = fields[0], fields[-1] + 1
        self.init_list = [column[0].target.attname for column in select[self.start : self.end]]
        self.related = get_related_populators(klass_info, select, self.db)
        self.annotations = list(compiler.annotation_col_map.items())

    @staticmethod
    def _place(param, stand_ins, stand_in_days):
        if type(param) is int and param in stand_ins:
            return stand_ins[param]
        if stand_in_days and (day := _day_of(param)) is not None:
            for name, stand_in in stand_in_days.items():
                if abs((day - stand_in).days) < _DAY_STEP // 2:
                    return (name, _Days(day - stand_in, type(param) is str))
        return (None, param)

    @staticmethod
    def _value(values, name, place):
        if name is None:
            return place  # a constant
        if place is None:
            return values[name]
        if type(place) is _Days:
            return place.value(values[name])
        return values[name][place]

    def _execute(self, values, one):
        if self.sql is None or not all(map(_in_range, values.values())):
            # An id no row can have (past the database's 64-bit integers, say from an
            # address): nothing found, as the ORM answers such a lookup without asking.
            return []
        params = [self._value(values, name, place) for name, place in self.params]
        with connections[self.db].cursor() as cursor:
            cursor.execute(self.sql, params)
            if one:
                row = cursor.fetchone()
                rows = [] if row is None else [row]
            else:
                rows = cursor.fetchall()
        if self.converters and rows:
            rows = list(map(tuple, self.compiler.apply_converters(rows, self.converters)))
        return rows

    def rows(self, values):
        return self._execute(values, one=False)

    def sql_with_params(self, values):
        if self.sql is None or not all(map(_in_range, values.values())):
            return None
        if not hasattr(self, "fields"):
            raise ValueError("Only a values_list query is prepared as SQL.")
        params = [self._value(values, name, place) for name, place in self.params]
        return self.sql, params, self.fields

    def get_or_none(self, values):
        rows = self._execute(values, one=True)
        return self._object(rows[0]) if rows else None

    def all(self, values):
        return [self._object(row) for row in self._execute(values, one=False)]

    def _object(self, row):
        obj = self.model.from_db(self.db, self.init_list, row[self.start : self.end])
        for populator in self.related:
            populator.populate(row, obj)
        for name, position in self.annotations:
            setattr(obj, name, row[position])
        return obj if self.finish is None else self.finish(self.db, obj)
