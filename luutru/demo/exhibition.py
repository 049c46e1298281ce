"""The demo's online exhibition for Quốc khánh 2/9, built from its published records through
the same actions as the curator's pages. Idempotent: made once."""

from __future__ import annotations

import datetime

from django.utils import timezone

from luutru.accounts.models import User
from luutru.exhibitions import actions, services
from luutru.exhibitions.models import Exhibition

SLUG = "quoc-khanh-2-9"
CURATOR = "luutruvien"
HEAD = "lanhdao"
ITEMS = 6


def seed_exhibition() -> int:
    """Make the 2/9 exhibition from up to six published documents with a file; return how
    many items it shows (0 when it exists already or nothing is published)."""
    if Exhibition.objects.filter(slug=SLUG).exists():
        return 0
    documents = list(
        services.public_documents()
        .filter(files__isnull=False)
        .distinct()
        .order_by("issued_date", "pk")[:ITEMS]
    )
    if not documents:
        return 0
    curator = User.objects.filter(username=CURATOR).first()
    head = User.objects.filter(username=HEAD).first()
    year = timezone.localdate().year
    start = datetime.datetime(year, 8, 25, tzinfo=timezone.get_current_timezone())
    exhibition = actions.create_exhibition(
        title="Mừng Quốc khánh 2/9: tư liệu lưu trữ của tỉnh",
        title_en="National Day, 2 September: records from the provincial archives",
        summary=(
            "Nhân dịp kỷ niệm Quốc khánh nước Cộng hòa xã hội chủ nghĩa Việt Nam, Lưu trữ lịch "
            "sử tỉnh giới thiệu một số tài liệu lưu trữ tiêu biểu đã được công bố."
        ),
        summary_en="Selected published records of the province, for National Day.",
        slug=SLUG,
        publish_from=start,
        publish_until=start + datetime.timedelta(days=30),
        actor=curator,
    )
    half = (len(documents) + 1) // 2
    parts = [
        ("Xây dựng chính quyền địa phương", "Building local government", documents[:half]),
        ("Phát triển kinh tế, xã hội", "Economic and social development", documents[half:]),
    ]
    for title, title_en, chosen in parts:
        if not chosen:
            continue
        section = actions.add_section(
            exhibition,
            title=title,
            title_en=title_en,
            text="Tài liệu được trích từ các phông lưu trữ của tỉnh.",
            actor=curator,
        )
        for document in chosen:
            actions.add_item(
                section,
                code=services.public_code(document),
                caption=document.summary[:500],
                actor=curator,
            )
    actions.submit_for_review(exhibition, actor=curator)
    actions.publish_exhibition(exhibition, actor=head)
    return len(documents)
