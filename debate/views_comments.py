"""A comment on a proposal: its author edits it (the earlier text is kept) or removes it,
staff remove any; staff read its history. The edit page is the discussion's
(portal.views.comments)."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from debate import lookups, selectors, services
from debate.models import ProposalComment
from portal.permissions import permission_required
from portal.views.comments import comment_edit_page, comment_history_page


def _comment_url(comment: ProposalComment) -> str:
    proposal = comment.proposal
    url = reverse("debate:proposal_detail", args=[proposal.workshop.code, proposal.code])
    return f"{url}#comment-{comment.code}"


@require_http_methods(["GET", "POST"])
@permission_required("debate.edit_proposal_comment", lookup=lookups.proposal_comment)
def proposal_comment_edit(request, comment: ProposalComment):
    return comment_edit_page(
        request,
        comment=comment,
        save=lambda body, revision: services.proposal_comment_edit(
            comment=comment, user=request.user, body=body, revision=revision
        ),
        done_url=_comment_url(comment),
        template="debate/comment_edit.html",
        context={"proposal": comment.proposal, "back_url": _comment_url(comment)},
    )


@require_http_methods(["GET", "POST"])
@permission_required("debate.remove_proposal_comment", lookup=lookups.proposal_comment)
def proposal_comment_remove(request, comment: ProposalComment):
    if request.method == "POST":
        services.proposal_comment_remove(comment=comment, user=request.user)
        messages.success(request, _("The comment is removed."))
        return redirect(_comment_url(comment))
    return render(
        request,
        "debate/comment_remove.html",
        {"proposal": comment.proposal, "comment": comment, "back_url": _comment_url(comment)},
    )


@require_GET
@permission_required("debate.see_proposal_comment_history", lookup=lookups.proposal_comment)
def proposal_comment_history(request, comment: ProposalComment):
    return comment_history_page(
        request,
        comment=comment,
        revisions=selectors.proposal_comment_history(comment=comment),
        template="debate/comment_history.html",
        context={"proposal": comment.proposal, "back_url": _comment_url(comment)},
    )
