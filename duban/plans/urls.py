from django.urls import path

from duban.plans import views, views_division, views_import

urlpatterns = [
    path("plans/", views.plan_list, name="plan-list"),
    path("plans/import/", views_import.plan_import_start, name="plan-import"),
    path("plans/import/<int:pk>/", views_import.plan_import_preview, name="plan-import-preview"),
    path("plans/import/<int:pk>/edit/<str:op>/", views_import.plan_import_edit, name="plan-import-edit"),
    path("plans/import/<int:pk>/confirm/", views_import.plan_import_confirm, name="plan-import-confirm"),
    path("plans/import/<int:pk>/discard/", views_import.plan_import_discard, name="plan-import-discard"),
    path("plans/<int:pk>/", views.plan_detail, name="plan-detail"),
    path("plans/<int:pk>/publish/", views.plan_publish, name="plan-publish"),
    path("plans/<int:pk>/close/", views.plan_close, name="plan-close"),
    path("plans/<int:pk>/delete/", views.plan_delete, name="plan-delete"),
    path("plans/<int:pk>/acknowledge/<int:unit_id>/", views.plan_acknowledge, name="plan-acknowledge"),
    path("plans/<int:pk>/compare/<int:old_pk>/", views.plan_compare, name="plan-compare"),
    path("plans/<int:pk>/compare/<int:old_pk>/carry-over/", views.plan_carry_over, name="plan-carry-over"),
    path("plans/<int:pk>/division/", views_division.division, name="plan-division"),
    path("plans/<int:pk>/division/bulk/", views_division.division_bulk, name="division-bulk"),
    path("plans/<int:pk>/division.xlsx", views_division.division_export, name="division-export"),
    path("plans/<int:pk>/division/import/", views_division.division_import, name="division-import"),
    path("division-uploads/<int:pk>/", views_division.division_upload, name="division-upload"),
    path(
        "division-uploads/<int:pk>/apply/", views_division.division_upload_apply, name="division-upload-apply"
    ),
    path("assignments/<int:pk>/", views_division.assignment_detail, name="assignment-detail"),
    path("assignments/<int:pk>/edit/", views_division.assignment_edit, name="assignment-edit"),
    path("assignments/<int:pk>/row/", views_division.assignment_row, name="assignment-row"),
    path("assignments/<int:pk>/accept/", views_division.assignment_accept, name="assignment-accept"),
    path("assignments/<int:pk>/unassign-measure/", views_division.measure_unassign, name="measure-unassign"),
    path("measures/<int:pk>/assign/", views_division.measure_assign, name="measure-assign"),
    path("milestones/<int:pk>/delete/", views_division.milestone_delete, name="milestone-delete"),
    path("units/pick/", views_division.unit_pick, name="unit-pick"),
    path("tasks/", views.my_tasks, name="my-tasks"),
]
