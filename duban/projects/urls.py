from django.urls import path

from duban.projects import views, views_proposals, views_reports

urlpatterns = [
    path("projects/", views.project_list, name="project-list"),
    path("projects/new/", views.project_new, name="project-new"),
    path("projects/<int:pk>/", views.project_detail, name="project-detail"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project-edit"),
    path("projects/<int:pk>/locate/", views.project_locate, name="project-locate"),
    path("projects/<int:pk>/stage/", views.project_stage, name="project-stage"),
    path("projects/<int:pk>/investment/", views.project_investment, name="project-investment"),
    path("projects/<int:pk>/delete/", views.project_delete, name="project-delete"),
    path("projects/<int:pk>/milestones/add/", views.milestone_add, name="project-milestone-add"),
    path(
        "projects/<int:pk>/milestones/<int:milestone_pk>/delete/",
        views.milestone_delete,
        name="project-milestone-delete",
    ),
    path("projects/<int:pk>/files/", views.file_upload, name="project-file-upload"),
    path("projects/files/<int:pk>/", views.file_download, name="project-file"),
    path("projects/files/<int:pk>/delete/", views.file_delete, name="project-file-delete"),
    path("projects/proposals/", views_proposals.proposals_home, name="project-proposals-home"),
    path("projects/proposals/<int:plan_pk>/", views_proposals.proposals, name="project-proposals"),
    path(
        "projects/proposals/<int:plan_pk>/refresh/",
        views_proposals.proposals_refresh,
        name="project-proposals-refresh",
    ),
    path(
        "projects/proposals/<int:plan_pk>/decide/",
        views_proposals.proposals_decide,
        name="project-proposals-decide",
    ),
    path("projects/reports/<int:pk>/", views_reports.project_report, name="project-report"),
    path(
        "projects/reports/<int:pk>/problem/",
        views_reports.project_report_problem,
        name="project-report-problem",
    ),
    path("projects/reports/request/", views_reports.reports_request, name="project-reports-request"),
    path("projects/ledger.xlsx", views_reports.ledger_export, name="project-ledger"),
    path("projects/ledger/import/", views_reports.ledger_import, name="project-ledger-import"),
]
