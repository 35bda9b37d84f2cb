"""dcomb (mc3dcomb): merging two dictionaries into one canonical one."""

from __future__ import annotations

from dataclasses import dataclass, replace

from mdict.combine.diagnostics import diagnostic_at, plural, where
from mdict.combine.trivia import joined_trivia, trivia_of, with_trivia
from mdict.errors import Diagnostic, ProfileError
from mdict.model import DictEntry, Dictionary, Tag
from mdict.write import sorted_entries


@dataclass(frozen=True, slots=True)
class DictionaryMerge:
    """The merged dictionary and what happened to each entry."""

    dictionary: Dictionary
    base_entries: int
    added: int
    identical: int
    replaced: int
    warnings: tuple[Diagnostic, ...] = ()

    def summary(self) -> str:
        return (
            f"{plural(len(self.dictionary.entries), 'entry').replace('entrys', 'entries')}"
            f" written: {self.base_entries} from the base, {self.added} added,"
            f" {self.identical} identical, {self.replaced} replaced"
        )


def _describe_entry(entry: DictEntry) -> str:
    return f"{entry.name} ({entry.vr} {entry.vm})"


def _index_entries(
    dictionary: Dictionary, file: str, check_order: bool, errors: list[Diagnostic]
) -> tuple[dict[Tag, DictEntry], list[Diagnostic]]:
    """Entries by tag; order and duplicate problems go to ``errors``."""
    warnings: list[Diagnostic] = []
    index: dict[Tag, DictEntry] = {}
    previous: DictEntry | None = None
    for entry in dictionary.entries:
        if check_order and previous is not None and entry.tag.sort_key() < previous.tag.sort_key():
            errors.append(
                diagnostic_at(
                    entry.loc,
                    file,
                    f"entry out of order: {entry.tag} ({entry.name}) comes after"
                    f" {previous.tag} at {where(previous.loc, file)}; expected ascending"
                    " tag order (use --sort to accept an unsorted file)",
                )
            )
            check_order = False  # one order error per file is enough
        previous = entry
        first = index.get(entry.tag)
        if first is None:
            index[entry.tag] = entry
        elif first == entry:
            warnings.append(
                diagnostic_at(
                    entry.loc,
                    file,
                    f"duplicate of {where(first.loc, file)}, written once",
                    "warning",
                )
            )
        else:
            errors.append(
                diagnostic_at(
                    entry.loc,
                    file,
                    f"{entry.tag} is defined twice in this file: {_describe_entry(entry)} here,"
                    f" {_describe_entry(first)} at {where(first.loc, file)}",
                )
            )
    return index, warnings


def merge_dictionaries(
    base: Dictionary,
    additions: Dictionary,
    *,
    sort: bool = False,
    strict: bool = False,
) -> DictionaryMerge:
    """Merge ``additions`` into ``base`` (mc3dcomb).

    Each input must be in canonical order unless ``sort``. Identical entries
    are written once; an addition with the key of a base entry but another
    name, VR or VM replaces it with a warning (an error when ``strict``).
    """
    base_file = base.source or "<base>"
    add_file = additions.source or "<additions>"
    errors: list[Diagnostic] = []
    base_index, warnings = _index_entries(base, base_file, not sort, errors)
    add_index, add_warnings = _index_entries(additions, add_file, not sort, errors)
    warnings += add_warnings
    merged = dict(base_index)
    added = identical = replaced = 0
    for tag, entry in add_index.items():
        old = merged.get(tag)
        if old is None:
            added += 1
        elif old == entry:
            identical += 1
            if entry.loc is not None and entry.loc.trivia:
                trivia = joined_trivia(trivia_of(old.loc), entry.loc.trivia)
                merged[tag] = replace(old, loc=with_trivia(old.loc, trivia))
            continue
        else:
            replaced += 1
            message = f"replaces {_describe_entry(old)} from {where(old.loc, base_file)}"
            if strict:
                errors.append(diagnostic_at(entry.loc, add_file, message + " (--strict)"))
            else:
                warnings.append(diagnostic_at(entry.loc, add_file, message, "warning"))
            trivia = joined_trivia(trivia_of(old.loc), trivia_of(entry.loc))
            entry = replace(entry, loc=with_trivia(entry.loc, trivia))
        merged[tag] = entry
    if errors:
        raise ProfileError(errors)
    return DictionaryMerge(
        Dictionary(
            tuple(sorted_entries(merged.values())),
            header=joined_trivia(base.header, additions.header),
            trailer=joined_trivia(base.trailer, additions.trailer),
        ),
        base_entries=len(base_index) - replaced,
        added=added,
        identical=identical,
        replaced=replaced,
        warnings=tuple(warnings),
    )
