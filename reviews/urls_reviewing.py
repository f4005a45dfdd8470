"""The reviewer side (My reviews, the review page, its autosave and file downloads) and the
submitters' page of released reviews. Included in the "reviews" namespace at the root."""

from django.urls import path

from reviews.views import reviewing as views

urlpatterns = [
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<str:code>/", views.review_detail, name="review_detail"),
    path("reviews/<str:code>/autosave/", views.review_autosave, name="review_autosave"),
    path("reviews/<str:code>/accept/", views.assignment_accept, name="assignment_accept"),
    path("reviews/<str:code>/decline/", views.assignment_decline, name="assignment_decline"),
    path(
        "reviews/<str:code>/files/<str:file_code>/",
        views.review_file,
        name="review_file",
    ),
    path(
        "submissions/<str:code>/reviews/",
        views.submission_reviews,
        name="submission_reviews",
    ),
]
