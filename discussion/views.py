"""The discussion pages: the thread (read and post), editing or removing a comment, a
comment's history (staff), and the reader's email digest subscription."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from discussion import lookups, selectors, services
from discussion.forms import CommentForm, SubscriptionForm
from discussion.models import Comment
from discussion.selectors import Thread
from portal.forms import add_service_errors
from portal.permissions import permission_required
from portal.views.comments import comment_edit_page, comment_history_page


def _thread_url(thread: Thread) -> str:
    return reverse("discussion:thread", kwargs={"code": thread.submission.code})


def _back_url(thread: Thread) -> str:
    """Where the reader came from: their review, or staff's page of the submission."""
    if thread.assignment is not None:
        return reverse("reviews:review_detail", kwargs={"code": thread.assignment.code})
    return reverse("reviews:staff_submission_reviewers", kwargs={"code": thread.submission.code})


@require_http_methods(["GET", "POST"])
@permission_required("discussion.read_thread", lookup=lookups.thread)
def thread_detail(request, thread: Thread):
    reviews = selectors.thread_reviews(thread=thread, user=request.user)
    if request.method == "POST":
        form = CommentForm(request.POST)
    else:
        # "Quote" beside a score: the comment box starts with a quote linking to it.
        quote = selectors.quote_for(reviews=reviews, anchor=request.GET.get("quote", ""))
        form = CommentForm(initial={"body": quote} if quote else None)
    if request.method == "POST" and form.is_valid():
        try:
            comment = services.comment_post(
                thread=thread,
                user=request.user,
                body=form.cleaned_data["body"],
                readers=form.cleaned_data["readers"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Your comment is posted."))
            # The page it lands on tells the script that the draft reached the server.
            return redirect(f"{_thread_url(thread)}?posted={comment.code}#comment-{comment.code}")
    comments = selectors.thread_comments(thread=thread, user=request.user)
    posted_code = request.GET.get("posted", "")
    context = {
        "thread": thread,
        "submission": thread.submission,
        "comments": comments,
        "draft_posted": any(item.own and item.comment.code == posted_code for item in comments),
        "form": form,
        "reviews": reviews,
        "subscribed": selectors.reader_subscribed(submission=thread.submission, user=request.user),
        "back_url": _back_url(thread),
        "posted": request.method == "POST",
    }
    return render(
        request,
        "discussion/thread.html",
        context,
        status=400 if request.method == "POST" else 200,
    )


@require_http_methods(["GET", "POST"])
@permission_required("discussion.edit_comment", lookup=lookups.comment)
def comment_edit(request, comment: Comment):
    thread = comment.thread
    return comment_edit_page(
        request,
        comment=comment,
        save=lambda body, revision: services.comment_edit(
            comment=comment, user=request.user, body=body, revision=revision
        ),
        done_url=f"{_thread_url(thread)}#comment-{comment.code}",
        template="discussion/comment_edit.html",
        context={"thread": thread},
    )


@require_http_methods(["GET", "POST"])
@permission_required("discussion.remove_comment", lookup=lookups.comment)
def comment_remove(request, comment: Comment):
    thread = comment.thread
    if request.method == "POST":
        services.comment_remove(comment=comment, user=request.user)
        messages.success(request, _("The comment is removed."))
        return redirect(f"{_thread_url(thread)}#comment-{comment.code}")
    return render(request, "discussion/comment_remove.html", {"thread": thread, "comment": comment})


@require_http_methods(["GET"])
@permission_required("discussion.see_comment_history", lookup=lookups.comment)
def comment_history(request, comment: Comment):
    return comment_history_page(
        request,
        comment=comment,
        revisions=selectors.comment_history(comment=comment),
        template="discussion/comment_history.html",
        context={"thread": comment.thread},
    )


@require_http_methods(["GET", "POST"])
@permission_required("discussion.manage_subscription", lookup=lookups.thread)
def subscription(request, thread: Thread):
    if request.method == "POST":
        form = SubscriptionForm(request.POST)
        form.is_valid()
        subscribed = bool(form.cleaned_data.get("subscribed"))
        services.thread_subscription_set(thread=thread, user=request.user, subscribed=subscribed)
        messages.success(
            request,
            _("You will get emails about new comments in this discussion.")
            if subscribed
            else _("You will get no more emails about this discussion."),
        )
        return redirect(_thread_url(thread))
    return render(
        request,
        "discussion/subscription.html",
        {
            "thread": thread,
            "subscribed": selectors.reader_subscribed(
                submission=thread.submission, user=request.user
            ),
        },
    )
