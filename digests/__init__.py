"""Digests and alerts: report what was collected, exactly once, and deliver it.

- ``digests.service``: ``build_digest``, ``run_daily_digest`` (the scheduler's job); the ledger
  itself lives in ``storage.ledger``.
- ``digests.delivery``: ``retry_deliveries``, ``resend``: each digest email sent once.
- ``digests.recorded``: ``view_of`` a recorded digest, rebuilt from its ledger entries.
- ``digests.build``: ledgered articles → sections, updates, feed health (``digests.view``).
- ``digests.render``: HTML, text, JSON, ``index.html`` and ``digests.atom``, written atomically.
- ``digests.mail``: the email (text + HTML with inlined CSS) and SMTP delivery.
- ``digests.alerts``: ``Alerter``, called by the crawler after each stored article.
"""
