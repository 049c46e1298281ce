from django.urls import URLPattern, URLResolver, path

from luutru.retention import papers, views

app_name = "retention"
urlpatterns: list[URLPattern | URLResolver] = [
    path("luu-giu/", views.dashboard, name="dashboard"),
    path("luu-giu/den-han/", views.due_list, name="due"),
    path("luu-giu/den-han.xlsx", views.due_xlsx, name="due-xlsx"),
    path("luu-giu/xet-huy/lap/", views.appraisal_open, name="appraisal-open"),
    path("luu-giu/xet-huy/<int:pk>/", views.appraisal_detail, name="appraisal"),
    path("luu-giu/xet-huy/<int:pk>/thanh-vien/", views.member_add, name="member-add"),
    path("luu-giu/xet-huy/<int:pk>/y-kien/", views.vote, name="vote"),
    path("luu-giu/xet-huy/<int:pk>/ket-luan/", views.conclude, name="conclude"),
    path("luu-giu/xet-huy/<int:pk>/hop/", views.close_council, name="close-council"),
    path("luu-giu/xet-huy/<int:pk>/quyet-dinh/", views.decide, name="decide"),
    path("luu-giu/xet-huy/<int:pk>/huy/", views.destroy, name="destroy"),
    path("luu-giu/tam-dung/", views.hold_list, name="holds"),
    path("luu-giu/tam-dung/<int:pk>/go/", views.hold_lift, name="hold-lift"),
    path("luu-giu/da-huy/", views.register, name="register"),
    path("luu-giu/bang-thoi-han/", views.schedule_list, name="schedules"),
    path("luu-giu/nop-luu-lich-su/", views.transfer_list, name="transfers"),
    path("luu-giu/nop-luu-lich-su/lap/", views.transfer_plan, name="transfer-plan"),
    path("luu-giu/nop-luu-lich-su/<int:pk>/", views.transfer_step, name="transfer-step"),
    path(
        "luu-giu/nop-luu-lich-su/<int:pk>/bien-ban-giao-nhan.pdf",
        views.transfer_receipt,
        name="transfer-receipt",
    ),
    path("luu-giu/do-mat/", views.secrecy_list, name="secrecy"),
    path("luu-giu/do-mat/<int:pk>/quyet-dinh/", views.secrecy_decide, name="secrecy-decide"),
]
# The papers of a round: danh mục, biên bản họp, quyết định, biên bản hủy; PDF and Excel.
for _name, _paper in papers.PAPERS.items():
    for _fmt in ("pdf", "xlsx"):
        urlpatterns.append(
            path(
                f"luu-giu/xet-huy/<int:pk>/{_paper.slug}.{_fmt}",
                views.paper_view(_name, _fmt),
                name=f"{_paper.slug}-{_fmt}",
            )
        )
