"""The Scrapy project: spider, pipelines, middlewares, settings and the runner that drives them."""
