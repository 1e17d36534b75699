"""Spiders of the crawler: ``news.NewsSpider`` polls every kind of source."""
