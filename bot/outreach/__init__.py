"""Outreach: campaign deep links and QR codes, inline sharing of clips, the campaign report."""

from bot.outreach.inline import InlineOutreach, install_inline_handlers
from bot.outreach.links import LinkError, bot_username, deep_link, link_payload
from bot.outreach.qr import write_qr_png
from bot.outreach.report import CampaignRow, campaign_report, suppress

__all__ = ["CampaignRow", "InlineOutreach", "LinkError", "bot_username", "campaign_report",
           "deep_link", "install_inline_handlers", "link_payload", "suppress", "write_qr_png"]
