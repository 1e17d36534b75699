"""`newswatch serve`: the archive, the stories and each side's reporting in a browser.

``app`` builds the Starlette application (routes), ``pages`` turns stored rows into what a page
shows (reusing the digest's view, representative rule, reasons and sanitising), ``security``
holds authentication, CSRF and the response headers, ``server`` runs it under uvicorn.
Starlette and uvicorn come with the ``web`` extra.
"""
