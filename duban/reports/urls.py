from django.urls import path

from duban.reports import views

urlpatterns = [
    path("rounds/", views.round_list, name="round-list"),
    path("rounds/open/", views.round_open, name="round-open"),
    path("rounds/schedule/", views.schedule_edit, name="round-schedule"),
    path("rounds/<int:pk>/", views.round_detail, name="round-detail"),
    path("rounds/<int:pk>/close/", views.round_close, name="round-close"),
    path("rounds/<int:pk>/ledger.xlsx", views.ledger_export, name="round-ledger"),
    path("reports/", views.my_reports, name="my-reports"),
    path("reports/<int:pk>/", views.report_detail, name="report-detail"),
    path("reports/<int:pk>/submit/", views.report_submit, name="report-submit"),
    path("reports/<int:pk>/approve/", views.report_approve, name="report-approve"),
    path("reports/<int:pk>/head-return/", views.report_head_return, name="report-head-return"),
    path("reports/<int:pk>/accept/", views.report_accept, name="report-accept"),
    path("reports/<int:pk>/return/", views.report_return, name="report-return"),
    path("reports/<int:pk>/attachments/", views.attachment_upload, name="attachment-upload"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment-download"),
    path("attachments/<int:pk>/delete/", views.attachment_delete, name="attachment-delete"),
    path("contributions/", views.my_contributions, name="my-contributions"),
    path(
        "contributions/<int:round_pk>/<int:assignment_pk>/<int:unit_pk>/",
        views.contribution_save,
        name="contribution-save",
    ),
    path("review/", views.review_queue, name="review-queue"),
    path("review/bulk/", views.review_bulk, name="review-bulk"),
]
