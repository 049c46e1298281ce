"""``{% archive_info as info %}``: the archive's name, address, hours, contact, rules and fees
(``access.reading_room``) for the portal's footer, its about page and the readers' pages."""

from __future__ import annotations

from django import template

from luutru.access import reading_room

register = template.Library()


@register.simple_tag
def archive_info() -> reading_room.ArchiveInfo:
    return reading_room.info()
