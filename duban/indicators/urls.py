from django.urls import path

from duban.indicators import views, views_data

urlpatterns = [
    path("", views.home, name="indicator-home"),
    path("list/", views.indicator_list, name="indicator-list"),
    path("new/", views.indicator_create, name="indicator-create"),
    path("<int:pk>/", views.indicator_detail, name="indicator-detail"),
    path("<int:pk>/edit/", views.indicator_edit, name="indicator-edit"),
    path("regions/", views.region_list, name="indicator-regions"),
    path("regions/groups/new/", views.group_create, name="indicator-group-create"),
    path("regions/groups/<int:pk>/edit/", views.group_edit, name="indicator-group-edit"),
    path("regions/groups/<int:pk>/delete/", views.group_delete, name="indicator-group-delete"),
    path("periods/", views.period_list, name="indicator-periods"),
    path("periods/<str:code>/publish/", views.period_publish, name="indicator-period-publish"),
    path("periods/<str:code>/reopen/", views.period_reopen, name="indicator-period-reopen"),
    path("targets/", views.targets, name="indicator-targets"),
    path("targets/<int:pk>/delete/", views.target_delete, name="indicator-target-delete"),
    path("entry/", views_data.entry, name="indicator-entry"),
    path(
        "entry/<str:period>/<int:unit_id>/<int:region_id>/",
        views_data.entry_row_save,
        name="indicator-entry-row",
    ),
    path(
        "values/<int:indicator_id>/<int:region_id>/<str:period>/history/",
        views_data.value_history,
        name="indicator-value-history",
    ),
    path("template/", views_data.template, name="indicator-template"),
    path("import/", views_data.upload, name="indicator-import"),
    path("import/<int:pk>/", views_data.upload_detail, name="indicator-import-detail"),
    path("import/<int:pk>/confirm/", views_data.upload_confirm, name="indicator-import-confirm"),
    path("pivot/", views_data.pivot, name="indicator-pivot"),
    path("chart/", views_data.chart, name="indicator-chart"),
    path("map/", views_data.map_view, name="indicator-map"),
    path("completeness/", views_data.completeness, name="indicator-completeness"),
]
