from django import forms
from django.utils.translation import gettext_lazy as _

from discussion.models import Comment
from portal.services.comments import COMMENT_MAX_LENGTH


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
        help_text=_(
            "Markdown: **bold**, *italic*, lists, > quotes and links. "
            "Who may read it is fixed when you post it."
        ),
    )
    readers = forms.ChoiceField(
        label=_("Who may read it"),
        choices=Comment.Readers.choices,
        initial=Comment.Readers.REVIEWERS,
        widget=forms.RadioSelect,
    )


class SubscriptionForm(forms.Form):
    subscribed = forms.BooleanField(required=False, widget=forms.HiddenInput)
