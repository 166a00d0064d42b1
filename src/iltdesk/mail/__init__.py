"""Email: templates, messages with attachments and calendar invitations, and transports.

Templates have named placeholders; messages carry attachments and invitations; the transports
deliver them (SMTP, or .eml drafts). Plain data in, bytes out.
"""
