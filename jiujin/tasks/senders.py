"""Pluggable reminder senders, configured in settings.

    JIUJIN_NOTIFY_CHANNELS = {
        "email": {"from_email": "jiujin@example.org"},   # only when EMAIL_HOST is configured
        "webhook": {"url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…"},  # 企业微信群机器人
        "sms": {"api_key": "…"},                            # needs a class, see below
    }
    JIUJIN_NOTIFY_SENDERS = {"sms": "myoffice.sms.GatewaySender"}  # channel → class; options are kwargs

In-app notifications are always on and need no sending. A sender's `send` raises on failure; the outbox
(reminders.notifications_send) logs, keeps the error and retries.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from typing import Any, Protocol, cast

from django.conf import Settings, settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from .models import Channel, Notification

logger = logging.getLogger(__name__)

IN_APP = Channel.IN_APP.value


class SendError(Exception):
    pass


class Sender(Protocol):
    def accepts(self, user: Any) -> bool:
        """Whether this channel can reach the user at all (an address, a phone number …)."""
        ...

    def send(self, notification: Notification) -> None:
        """Deliver or raise."""
        ...


class InAppSender:
    def accepts(self, user: Any) -> bool:
        return True

    def send(self, notification: Notification) -> None:
        pass  # the notification row is the message


class EmailSender:
    def __init__(self, from_email: str | None = None) -> None:
        self.from_email = from_email

    def accepts(self, user: Any) -> bool:
        return bool(user.email)

    def send(self, notification: Notification) -> None:
        send_mail(
            notification.subject,
            notification.body,
            self.from_email,
            [notification.user.email],
            fail_silently=False,
        )


class WebhookSender:
    """企业微信 group robot: posts {"msgtype": "text", "text": {"content": …}}, @-mentioning the worker's phone."""

    def __init__(self, url: str, timeout: float = 10.0) -> None:
        self.url = url
        self.timeout = timeout

    def accepts(self, user: Any) -> bool:
        return True

    def send(self, notification: Notification) -> None:
        user = notification.user
        text: dict[str, Any] = {
            "content": f"{user.display_name}：{notification.subject}\n{notification.body}"
        }
        if user.phone:
            text["mentioned_mobile_list"] = [user.phone]
        payload = json.dumps({"msgtype": "text", "text": text}, ensure_ascii=False).encode()
        request = urllib.request.Request(
            self.url, data=payload, headers={"Content-Type": "application/json; charset=utf-8"}, method="POST"
        )
        with urllib.request.urlopen(request, timeout=self.timeout) as response:  # the configured robot URL
            reply = response.read()
        # The robot answers HTTP 200 with {"errcode": …} on errors such as a revoked key.
        try:
            errcode = json.loads(reply or b"{}").get("errcode", 0)
        except ValueError:
            errcode = 0
        if errcode:
            raise SendError(f"webhook errcode {errcode}: {reply[:200]!r}")


BUILTIN_SENDERS: dict[str, type] = {
    IN_APP: InAppSender,
    Channel.EMAIL.value: EmailSender,
    Channel.WEBHOOK.value: WebhookSender,
}


def email_configured() -> bool:
    # Django's EMAIL_HOST defaults to "localhost"; only an explicit setting means mail is wanted.
    # The lazy `settings` hands is_overridden on to the Settings it wraps; the stubs only know the latter.
    return cast(Settings, settings).is_overridden("EMAIL_HOST") and bool(settings.EMAIL_HOST)


def configured_senders() -> dict[str, Sender]:
    """The active channels: in-app always, email when EMAIL_HOST is set, plus every configured channel."""
    options: dict[str, dict] = dict(getattr(settings, "JIUJIN_NOTIFY_CHANNELS", {}) or {})
    classes: dict[str, Any] = {**BUILTIN_SENDERS, **(getattr(settings, "JIUJIN_NOTIFY_SENDERS", {}) or {})}
    if email_configured():
        options.setdefault(Channel.EMAIL.value, {})
    else:
        options.pop(Channel.EMAIL.value, None)
    channels: dict[str, dict] = {channel: {} for channel in classes if channel not in BUILTIN_SENDERS}
    channels.update(options)
    found: dict[str, Sender] = {IN_APP: InAppSender()}
    for channel, kwargs in channels.items():
        cls = classes.get(channel)
        if cls is None:
            logger.error("reminder channel %r has no sender class; set JIUJIN_NOTIFY_SENDERS", channel)
            continue
        if isinstance(cls, str):
            cls = import_string(cls)
        found[channel] = cls(**(kwargs or {}))
    return found
