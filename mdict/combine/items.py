"""icomb, sections 3 and 4 of a configuration: new private items
(PRIVATE_ITEM_SECTION) and lines added to existing items
(EXISTING_ITEM_SECTION)."""

from __future__ import annotations

from collections.abc import Sequence

from mdict.combine.diagnostics import did_you_mean
from mdict.combine.state import MAX_NUMBER, CombineState, EditedSection
from mdict.combine.summary import ChangeSummary
from mdict.combine.trivia import comments_only, with_block_comments, with_trivia
from mdict.model import ITEM, ConfigBlock, InfoLine, ItemRef
from mdict.write import sorted_lines


class ItemSections(CombineState):
    """Applies PRIVATE_ITEM_SECTION and EXISTING_ITEM_SECTION blocks."""

    # -- section 3: private items --------------------------------------------
    def private_items(self, blocks: Sequence[ConfigBlock]) -> None:
        first_at: dict[str, ConfigBlock] = {}
        for block in blocks:
            lines = sorted_lines(self.checked_lines(block))
            if block.command != ITEM:
                self.error(
                    block.loc,
                    f"expected [ {block.name}, ITEM ] in PRIVATE_ITEM_SECTION,"
                    f" found [ {block.name}, {block.command} ]",
                )
                continue
            first = first_at.get(block.name)
            if not self.check_name(block, "item"):
                continue
            if first is not None:
                self.error_again(block.loc, f"item {block.name} is defined twice", first.loc)
                continue
            first_at[block.name] = block
            self.private_item(block, lines)

    def private_item(self, block: ConfigBlock, lines: list[InfoLine]) -> None:
        existing = self.items.get(block.name)
        if existing is not None:
            if sorted_lines(self.section_lines((existing.number, ITEM))) != lines:
                self.error(
                    block.loc,
                    f"item {block.name} already exists as {existing.number:04d}"
                    " with different lines",
                )
            else:
                self.summary += ChangeSummary(unchanged=(block.name,))
            return
        number = self.next_item_number()
        if number > MAX_NUMBER:
            self.error(block.loc, f"no item number left for {block.name}")
            return
        self.items[block.name] = ItemRef(block.name, number, with_trivia(block.loc, ()))
        self.edited[(number, ITEM)] = EditedSection(lines, comments_only(block.loc))
        self.summary += ChangeSummary(items_added=((block.name, number),))

    # -- section 4: existing items -------------------------------------------
    def existing_items(self, blocks: Sequence[ConfigBlock], existed: set[str]) -> None:
        previous: ConfigBlock | None = None
        for block in blocks:
            lines = self.checked_lines(block)
            if previous is not None and block.name < previous.name:
                self.error(
                    block.loc,
                    f"EXISTING_ITEM_SECTION blocks must be in alphabetical order of item name:"
                    f" {block.name} comes after {previous.name}",
                )
            previous = block
            if block.command != ITEM:
                self.error(
                    block.loc,
                    f"expected [ {block.name}, ITEM ] in EXISTING_ITEM_SECTION,"
                    f" found [ {block.name}, {block.command} ]",
                )
                continue
            if block.name not in self.items:
                block = self.renamed(block, "item", existed)
            item = self.items.get(block.name)
            if item is None or block.name not in existed:
                hint = (
                    "; it is defined in PRIVATE_ITEM_SECTION of this file, put its lines there"
                    if item is not None
                    else did_you_mean(block.name, self.items)
                )
                self.error(block.loc, f"unknown item {block.name}{hint}")
                continue
            lines = with_block_comments(block, lines)
            self.merge_lines((item.number, ITEM), lines, f"item {block.name}")
