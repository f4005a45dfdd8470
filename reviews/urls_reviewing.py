"""The reviewer side (My reviews, the review page, its autosave and file downloads) and the
submitters' page of released reviews. Included in the "reviews" namespace at the root."""

from django.urls import path

from reviews.views.reviewing import assignments, autosave, files, page, released

urlpatterns = [
    path("reviews/", assignments.review_list, name="review_list"),
    path("reviews/<str:code>/", page.review_detail, name="review_detail"),
    path("reviews/<str:code>/autosave/", autosave.review_autosave, name="review_autosave"),
    path("reviews/<str:code>/accept/", assignments.assignment_accept, name="assignment_accept"),
    path("reviews/<str:code>/decline/", assignments.assignment_decline, name="assignment_decline"),
    path("reviews/<str:code>/files/<str:file_code>/", files.review_file, name="review_file"),
    path(
        "submissions/<str:code>/reviews/",
        released.submission_reviews,
        name="submission_reviews",
    ),
]
