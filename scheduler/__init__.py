"""The `newswatch run` service: APScheduler jobs on the asyncio reactor Scrapy also uses.

``app.serve`` builds and runs it; ``service.Service`` runs the jobs and holds the lifecycle;
``jobs`` is the job table; ``plan`` and ``triggers`` derive schedules from the configuration;
``reload`` applies SIGHUP; ``retry`` classifies database failures; ``metrics`` is the optional
Prometheus endpoint.
"""
